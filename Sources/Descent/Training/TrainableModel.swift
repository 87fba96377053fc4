/// What the training engine trains: a model of one target (``LinearModel``) or of several
/// (``MultiLinearModel``). Targets are data: the engine runs the same loop for `k ≥ 1` targets,
/// and a model only says how its parameters move into the engine's flat `θ` (each target's `d`
/// weights in turn, then the `k` biases) and back, and how the features' map changes it.
protocol TrainableModel<Scalar> {
    associatedtype Scalar: BLASScalar
    /// The optimiser's state the model carries between calls.
    var trainingState: TrainingState<Scalar>? { get set }
    /// The features' names, taken from the source a fit reads.
    var featureNames: [String]? { get set }
    /// Whether the model has no parameters yet (then it is initialised from the data's shape).
    var isEmpty: Bool { get }
    /// A model initialised per `initialization` for `columns` features and `targets` targets.
    static func initial(_ initialization: Initialization, columns: Int, targets: Int, seed: UInt64) -> Self
    /// Checks the model is finite and fits `columns` features and `targets` targets.
    func check(columns: Int, targets: Int) throws(DescentError)
    /// Moves the parameters and the state's buffers into the workspace.
    func load(into workspace: Workspace<Scalar>, _ state: TrainingState<Scalar>, averaging: Bool)
    /// Takes the parameters and the optimiser's buffers back from the workspace.
    mutating func store(from workspace: Workspace<Scalar>, _ state: inout TrainingState<Scalar>, optimizer: Optimizer,
                        separateModel: Bool)
    /// The same model on the mapped features, and back (``FeatureMap``).
    func inner(_ map: FeatureMap<Scalar>) throws(DescentError) -> Self
    func original(_ map: FeatureMap<Scalar>) throws(DescentError) -> Self
}

extension LinearModel: TrainableModel {
    var isEmpty: Bool { weights.isEmpty }

    static func initial(_ initialization: Initialization, columns: Int, targets: Int, seed: UInt64) -> Self {
        initialization.model(columns: columns, seed: seed)
    }

    func check(columns: Int, targets: Int) throws(DescentError) {
        guard targets == 1 else {
            throw .invalidOption(name: "targets", value: "\(targets) per row",
                                 expected: "one target for a LinearModel (train a MultiLinearModel on several targets)")
        }
        try checkWidth(columns)
        try checkFinite()
    }

    func load(into workspace: Workspace<Scalar>, _ state: TrainingState<Scalar>, averaging: Bool) {
        workspace.load(self, state, averaging: averaging)
    }

    mutating func store(from workspace: Workspace<Scalar>, _ state: inout TrainingState<Scalar>, optimizer: Optimizer,
                        separateModel: Bool) {
        workspace.store(&self, &state, optimizer: optimizer, separateModel: separateModel)
    }

    func inner(_ map: FeatureMap<Scalar>) throws(DescentError) -> Self { try map.inner(self) }
    func original(_ map: FeatureMap<Scalar>) throws(DescentError) -> Self { try map.original(self) }
}

extension MultiLinearModel: TrainableModel {
    var isEmpty: Bool { (weights.rows == 0 || weights.columns == 0) && biases.isEmpty }

    static func initial(_ initialization: Initialization, columns: Int, targets: Int, seed: UInt64) -> Self {
        initialization.model(columns: columns, targets: targets, seed: seed)
    }

    func check(columns: Int, targets: Int) throws(DescentError) {
        try checkShape()
        try checkWidth(columns)
        try checkTargets(targets)
        try checkFinite()
    }

    func load(into workspace: Workspace<Scalar>, _ state: TrainingState<Scalar>, averaging: Bool) {
        workspace.load(self, state, averaging: averaging)
    }

    mutating func store(from workspace: Workspace<Scalar>, _ state: inout TrainingState<Scalar>, optimizer: Optimizer,
                        separateModel: Bool) {
        workspace.store(&self, &state, optimizer: optimizer, separateModel: separateModel)
    }

    func inner(_ map: FeatureMap<Scalar>) throws(DescentError) -> Self { try map.inner(self) }
    func original(_ map: FeatureMap<Scalar>) throws(DescentError) -> Self { try map.original(self) }
}
