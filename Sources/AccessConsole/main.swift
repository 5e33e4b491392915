import AccessCore
print("access-console \(AccessCoreVersion.string)")
