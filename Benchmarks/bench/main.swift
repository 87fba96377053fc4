import Descent
print("bench: placeholder")
