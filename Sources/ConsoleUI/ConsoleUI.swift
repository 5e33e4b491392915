import AccessCore
public enum ConsoleUIPlaceholder {}
