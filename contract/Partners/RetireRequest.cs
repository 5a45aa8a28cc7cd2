namespace Fulfilment.Contract;

/// <summary>How long a retired credential keeps working, 0 to 10080 minutes (default 60; 0 for a leaked one).</summary>
public sealed record RetireRequest(int? OverlapMinutes = null);
