import Descent

extension Predict {
    /// The `prediction` column, with `mean_lo, mean_hi, obs_lo, obs_hi` at level `intervals`.
    static func table(_ model: LinearModel<Double>, _ features: Matrix<Double>,
                      intervals: Double?) throws(DescentError) -> String {
        try checkIntervals(model, intervals)
        return header(intervals: intervals) + (try lines(model, features, intervals: intervals))
    }

    /// The header line of a single-target model's predictions.
    static func header(intervals: Double?) -> String {
        intervals == nil ? "prediction\n" : "prediction,mean_lo,mean_hi,obs_lo,obs_hi\n"
    }

    /// Refuses a level outside (0, 1), and intervals from a model saved without its inference.
    static func checkIntervals(_ model: LinearModel<Double>, _ intervals: Double?) throws(DescentError) {
        guard let intervals else { return }
        guard intervals > 0, intervals < 1 else {
            throw .invalidOption(name: "--intervals", value: "\(intervals)", expected: "a confidence level in (0, 1), e.g. 0.95")
        }
        guard model.inference != nil else {
            throw .invalidOption(name: "--intervals", value: "\(intervals)",
                                 expected: "a model saved by `descent solve --output` (this file has no inference)")
        }
    }

    /// One line per row of `features` (each ending in a line end): the prediction, and its intervals
    /// at level `intervals` (checked by ``checkIntervals(_:_:)``).
    static func lines(_ model: LinearModel<Double>, _ features: Matrix<Double>,
                      intervals: Double?) throws(DescentError) -> String {
        guard let intervals else {
            return try model.predict(features).map { "\($0)\n" }.joined()
        }
        let p = try model.prediction(for: features, level: intervals)
        return (0..<p.mean.count).map { i in
            "\(p.mean[i]),\(p.meanIntervals[i].lower),\(p.meanIntervals[i].upper),"
                + "\(p.observationIntervals[i].lower),\(p.observationIntervals[i].upper)\n"
        }.joined()
    }

    /// One line per row of a multi-target model's predictions, a column per target.
    static func lines(_ predictions: Matrix<Double>) -> String {
        (0..<predictions.rows).map { i in
            (0..<predictions.columns).map { "\(predictions[i, $0])" }.joined(separator: ",") + "\n"
        }.joined()
    }
}
