// LAPACK's character arguments, spelled once for both conformances.
let upper = CChar(UInt8(ascii: "U"))
let left = CChar(UInt8(ascii: "L"))
let trans = CChar(UInt8(ascii: "T"))
let noTrans = CChar(UInt8(ascii: "N"))
let nonUnit = CChar(UInt8(ascii: "N"))
let oneNorm = CChar(UInt8(ascii: "1"))
