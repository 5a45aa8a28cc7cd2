namespace Fulfilment.Inventory;

/// <summary>One rejected entry of an upload: its line (or 1-based array position) and why.</summary>
internal sealed record RejectedKey(int Line, string Reason);
