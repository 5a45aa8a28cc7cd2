namespace Fulfilment.Inventory;

/// <summary>Why a key was voided.</summary>
internal static class VoidReasons
{
    public const string Expired = "expired";
    public const string ByOps = "voided-by-ops";

    public static ShardCounts CountsChange(string reason) => new(-1, 0, 0, 1, reason == Expired ? 1 : 0, 0m, 0);
}
