import Descent

extension Predict {
    /// The `prediction` column, with `mean_lo, mean_hi, obs_lo, obs_hi` at level `intervals`.
    static func table(_ model: LinearModel<Double>, _ features: Matrix<Double>,
                      intervals: Double?) throws(DescentError) -> String {
        guard let intervals else {
            return "prediction\n" + (try model.predict(features)).map { "\($0)" }.joined(separator: "\n") + "\n"
        }
        guard intervals > 0, intervals < 1 else {
            throw .invalidOption(name: "--intervals", value: "\(intervals)", expected: "a confidence level in (0, 1), e.g. 0.95")
        }
        guard model.inference != nil else {
            throw .invalidOption(name: "--intervals", value: "\(intervals)",
                                 expected: "a model saved by `descent solve --output` (this file has no inference)")
        }
        let p = try model.prediction(for: features, level: intervals)
        return "prediction,mean_lo,mean_hi,obs_lo,obs_hi\n" + (0..<p.mean.count).map { i in
            "\(p.mean[i]),\(p.meanIntervals[i].lower),\(p.meanIntervals[i].upper),"
                + "\(p.observationIntervals[i].lower),\(p.observationIntervals[i].upper)"
        }.joined(separator: "\n") + "\n"
    }
}
