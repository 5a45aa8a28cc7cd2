namespace Fulfilment.RedemptionLog;

/// <summary>A page of the log (<c>{"entries": [...], "continuationToken": ...}</c>), or why the query was refused.</summary>
internal sealed record RedemptionLogPage(byte[]? PageJson, string? ErrorCode = null, string? Error = null, IReadOnlyList<string>? Problems = null)
{
    public static RedemptionLogPage Refused(string errorCode, string error, IReadOnlyList<string>? problems = null) => new(null, errorCode, error, problems);
}
