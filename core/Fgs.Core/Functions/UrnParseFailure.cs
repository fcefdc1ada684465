namespace Fgs.Core.Functions;

/// <summary>Why a function URN did not parse (internal to <see cref="FunctionUrn"/>).</summary>
internal enum UrnParseFailure
{
    None,
    Empty,
    BadPrefix,
    WrongPartCount,
    EmptyPart,
    NotFunction,
    BadRegion,
    BadProjectId,
    BadPackage,
    BadName,
    BadQualifier,
}
