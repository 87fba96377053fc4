import Descent
import Foundation

/// An SVG line chart of the training (and validation) loss per epoch that a browser shows: axes
/// with tick labels and labels ("epoch", "loss"), a legend, and a log-scale loss axis (the default
/// for a loss) whenever every loss is positive.
enum LossPlot {
    static func svg(_ history: FitHistory<Double>) -> String {
        let width = 720.0, height = 440.0, left = 80.0, right = 20.0, top = 30.0, bottom = 50.0
        let series: [(name: String, color: String, values: [Double])] = [
            ("training loss", "#1f77b4", history.losses),
            ("validation loss", "#d62728", history.validationLosses),
        ].filter { !$0.values.isEmpty }
        let all = series.flatMap(\.values).filter { $0.isFinite }
        let positive = all.filter { $0 > 0 }
        let low = all.min() ?? 0, high = all.max() ?? 1
        let logarithmic = !positive.isEmpty && positive.count == all.count
        func scaled(_ v: Double) -> Double { logarithmic ? log10(v) : v }
        var y0 = logarithmic ? floor(log10(positive.min()!)) : Swift.min(0, low)
        var y1 = logarithmic ? ceil(log10(high)) : high
        if y1 <= y0 { y1 = y0 + 1; y0 -= logarithmic ? 0 : 0 }
        let epochs = Swift.max(history.epochs, 2)
        func x(_ epoch: Int) -> Double { left + (width - left - right) * Double(epoch - 1) / Double(epochs - 1) }
        func y(_ value: Double) -> Double { height - bottom - (height - top - bottom) * (scaled(value) - y0) / (y1 - y0) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="18" text-anchor="middle" font-size="14">Loss per epoch\(logarithmic ? " (log scale)" : "")</text>
            <line x1="\(left)" y1="\(height - bottom)" x2="\(width - right)" y2="\(height - bottom)" stroke="black"/>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(height - bottom)" stroke="black"/>
            <text x="\((left + width - right) / 2)" y="\(height - 12)" text-anchor="middle">epoch</text>
            <text x="16" y="\((top + height - bottom) / 2)" text-anchor="middle" transform="rotate(-90 16 \((top + height - bottom) / 2))">loss\(logarithmic ? " (log scale)" : "")</text>

            """
        // Loss ticks: each decade on a log axis, five steps otherwise.
        let ticks: [Double] = logarithmic ? stride(from: y0, through: y1, by: 1).map { pow(10, $0) }
            : (0...5).map { y0 + (y1 - y0) * Double($0) / 5 }
        for tick in ticks {
            let position = y(tick)
            svg += "<line x1=\"\(left - 5)\" y1=\"\(position)\" x2=\"\(width - right)\" y2=\"\(position)\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(left - 8)\" y=\"\(position + 4)\" text-anchor=\"end\">\(String(format: "%.3g", tick))</text>\n"
        }
        for k in 0...4 {
            let epoch = 1 + (epochs - 1) * k / 4
            svg += "<text x=\"\(x(epoch))\" y=\"\(height - bottom + 18)\" text-anchor=\"middle\">\(epoch)</text>\n"
        }
        for (index, line) in series.enumerated() {
            let points = line.values.enumerated().filter { $0.element.isFinite && (!logarithmic || $0.element > 0) }
                .map { "\(x($0.offset + 1)),\(y($0.element))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            let legendY = top + 16 + Double(index) * 18
            svg += "<line x1=\"\(width - 190)\" y1=\"\(legendY - 4)\" x2=\"\(width - 170)\" y2=\"\(legendY - 4)\" "
                + "stroke=\"\(line.color)\" stroke-width=\"2\"/>\n"
            svg += "<text x=\"\(width - 164)\" y=\"\(legendY)\">\(line.name)</text>\n"
        }
        return svg + "</svg>\n"
    }
}
