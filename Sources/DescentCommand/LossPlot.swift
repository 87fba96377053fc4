import Descent

/// The training (and validation) loss per epoch as an SVG line chart (``LinePlot``): axis labels
/// "epoch" and "loss", a log-scale loss axis (the default for a loss) whenever every loss is positive.
enum LossPlot {
    static func svg(_ history: FitHistory<Double>) -> String {
        let epochs = (1...Swift.max(1, history.losses.count)).map(Double.init)
        let series: [LinePlot.Series] = [
            .init(name: "training loss", color: "#1f77b4", x: epochs, y: history.losses),
            .init(name: "validation loss", color: "#d62728", x: Array(epochs.prefix(history.validationLosses.count)),
                  y: history.validationLosses),
        ].filter { !$0.y.isEmpty }
        return LinePlot(title: "Loss per epoch", xLabel: "epoch", yLabel: "loss", logarithmicY: .whenPositive,
                        series: series).svg()
    }
}
