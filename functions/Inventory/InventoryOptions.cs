using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Inventory;

internal sealed class InventoryOptions
{
    /// <summary>How many Table partitions hold a new SKU's keys, so a hot SKU is not capped by one partition.</summary>
    [Range(1, 64)]
    public int ShardCount { get; set; } = 4;
}
