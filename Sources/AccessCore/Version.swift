public enum AccessCoreVersion { public static let string = "0.1.0" }
