/// LAPACK's character arguments, spelled once for both conformances and used only by them.
enum LAPACKFlag {
    static let upper = CChar(UInt8(ascii: "U"))
    static let left = CChar(UInt8(ascii: "L"))
    static let trans = CChar(UInt8(ascii: "T"))
    static let noTrans = CChar(UInt8(ascii: "N"))
    static let nonUnit = CChar(UInt8(ascii: "N"))
    static let oneNorm = CChar(UInt8(ascii: "1"))
    static let vectors = CChar(UInt8(ascii: "V"))
}
