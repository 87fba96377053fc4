import Foundation

/// An SVG line chart that a browser shows: axes with tick labels and titles, a legend, optional
/// error bars, a log-scale x axis on request and a log-scale y axis when the values span more than
/// two decades (or, for a loss, whenever every value is positive). The loss plot of `fit`, the
/// path plot of `path` and the validation curve of `cv`.
struct LinePlot {
    struct Series {
        let name: String
        let color: String
        let x: [Double]
        let y: [Double]
        /// Half-widths of error bars, one per point, or empty.
        var errors: [Double] = []
    }

    let title: String
    let xLabel: String
    let yLabel: String
    var logarithmicX = false
    /// When the y axis is logarithmic (its label then says "(log scale)").
    enum LogarithmicY {
        /// Never.
        case never
        /// When every value is positive and they span more than 100×.
        case whenSpanningDecades
        /// Whenever every value is positive: the default for a loss.
        case whenPositive
    }
    var logarithmicY = LogarithmicY.whenSpanningDecades
    var series: [Series]

    /// A palette of distinct colours, cycled.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                          "#bcbd22", "#17becf"]

    func svg() -> String {
        let width = 720.0, height = 440.0, left = 80.0, right = 20.0, top = 30.0, bottom = 50.0
        let ys = series.flatMap { s in s.y.indices.flatMap { i in
            s.errors.isEmpty ? [s.y[i]] : [s.y[i] - s.errors[i], s.y[i] + s.errors[i]] } }.filter(\.isFinite)
        let positive = ys.filter { $0 > 0 }
        let low = ys.min() ?? 0, high = ys.max() ?? 1
        let allPositive = !positive.isEmpty && positive.count == ys.count
        let logarithmic = switch logarithmicY {
        case .never: false
        case .whenSpanningDecades: allPositive && high / positive.min()! > 100
        case .whenPositive: allPositive
        }
        func scaledY(_ v: Double) -> Double { logarithmic ? log10(v) : v }
        var y0 = logarithmic ? floor(log10(positive.min()!)) : Swift.min(0, low)
        var y1 = logarithmic ? ceil(log10(high)) : Swift.max(0, high)
        if y1 <= y0 { y1 = y0 + 1; y0 -= logarithmic ? 0 : 0 }
        let xs = series.flatMap(\.x).filter { $0.isFinite && (!logarithmicX || $0 > 0) }
        func scaledX(_ v: Double) -> Double { logarithmicX ? log10(v) : v }
        var x0 = scaledX(xs.min() ?? 0), x1 = scaledX(xs.max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1; x0 -= 0 }
        func x(_ value: Double) -> Double { left + (width - left - right) * (scaledX(value) - x0) / (x1 - x0) }
        func y(_ value: Double) -> Double { height - bottom - (height - top - bottom) * (scaledY(value) - y0) / (y1 - y0) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="18" text-anchor="middle" font-size="14">\(title)\(logarithmic ? " (log scale)" : "")</text>
            <line x1="\(left)" y1="\(height - bottom)" x2="\(width - right)" y2="\(height - bottom)" stroke="black"/>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(height - bottom)" stroke="black"/>
            <text x="\((left + width - right) / 2)" y="\(height - 12)" text-anchor="middle">\(xLabel)</text>
            <text x="16" y="\((top + height - bottom) / 2)" text-anchor="middle" \
            transform="rotate(-90 16 \((top + height - bottom) / 2))">\(yLabel)\(logarithmic ? " (log scale)" : "")</text>

            """
        // y ticks: each decade on a log axis, five steps otherwise; x ticks likewise.
        let yTicks: [Double] = logarithmic ? stride(from: y0, through: y1, by: 1).map { pow(10, $0) }
            : (0...5).map { y0 + (y1 - y0) * Double($0) / 5 }
        for tick in yTicks {
            let position = y(tick)
            svg += "<line x1=\"\(left - 5)\" y1=\"\(position)\" x2=\"\(width - right)\" y2=\"\(position)\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(left - 8)\" y=\"\(position + 4)\" text-anchor=\"end\">\(String(format: "%.3g", tick))</text>\n"
        }
        for k in 0...4 {
            let scaled = x0 + (x1 - x0) * Double(k) / 4
            let value = logarithmicX ? pow(10, scaled) : scaled
            svg += "<text x=\"\(x(value))\" y=\"\(height - bottom + 18)\" text-anchor=\"middle\">\(String(format: "%.3g", value))</text>\n"
        }
        for (index, line) in series.enumerated() {
            let kept = line.y.indices.filter { line.y[$0].isFinite && (!logarithmic || line.y[$0] > 0) && (!logarithmicX || line.x[$0] > 0) }
            let points = kept.map { "\(x(line.x[$0])),\(y(line.y[$0]))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            for i in kept where !line.errors.isEmpty {
                let lowEnd = line.y[i] - line.errors[i], highEnd = line.y[i] + line.errors[i]
                guard !logarithmic || lowEnd > 0 else { continue }
                svg += "<line x1=\"\(x(line.x[i]))\" y1=\"\(y(lowEnd))\" x2=\"\(x(line.x[i]))\" y2=\"\(y(highEnd))\" stroke=\"#999\"/>\n"
            }
            guard series.count <= 12 else { continue }
            let legendY = top + 16 + Double(index) * 18
            svg += "<line x1=\"\(width - 190)\" y1=\"\(legendY - 4)\" x2=\"\(width - 170)\" y2=\"\(legendY - 4)\" "
                + "stroke=\"\(line.color)\" stroke-width=\"2\"/>\n"
            svg += "<text x=\"\(width - 164)\" y=\"\(legendY)\">\(line.name)</text>\n"
        }
        return svg + "</svg>\n"
    }
}
