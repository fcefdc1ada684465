namespace Fgs.Core.Routing;

/// <summary>Identity of one version of a function within a node: the function and the version name
/// (<c>latest</c> or a published version). Each has its own instance pool.</summary>
/// <param name="Function">The function.</param>
/// <param name="Version">The version name.</param>
public readonly record struct FunctionVersionKey(FunctionKey Function, string Version);
