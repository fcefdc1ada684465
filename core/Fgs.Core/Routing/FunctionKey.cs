namespace Fgs.Core.Routing;

/// <summary>Identity of a function within a node: project, package (app) and name.</summary>
public readonly record struct FunctionKey(string ProjectId, string Package, string Name);
