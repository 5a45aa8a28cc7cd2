namespace Fulfilment.RedemptionLog;

/// <summary>
/// A page of the log (<c>{"entries": [...], "continuationToken": ...}</c>), or why the query was refused: either
/// <see cref="PageJson"/> or <see cref="ErrorCode"/> and <see cref="Error"/>, as the two ways to make one guarantee.
/// </summary>
internal sealed record RedemptionLogPage
{
    private RedemptionLogPage(byte[]? pageJson, string? errorCode, string? error, IReadOnlyList<string>? problems) =>
        (PageJson, ErrorCode, Error, Problems) = (pageJson, errorCode, error, problems);

    public byte[]? PageJson { get; }

    public string? ErrorCode { get; }

    public string? Error { get; }

    /// <summary>What is wrong with each refused query value, when the query itself was refused.</summary>
    public IReadOnlyList<string>? Problems { get; }

    public static RedemptionLogPage Of(byte[] pageJson) => new(pageJson, null, null, null);

    public static RedemptionLogPage Refused(string errorCode, string error, IReadOnlyList<string>? problems = null) => new(null, errorCode, error, problems);
}
