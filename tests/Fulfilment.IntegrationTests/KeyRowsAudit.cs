using Azure.Data.Tables;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Reads a SKU's key rows straight from the CardKeys table and checks, shard by shard, that the counts the app keeps
/// agree with them: key rows by state, in-stock rows, reservation rows.
/// </summary>
internal static class KeyRowsAudit
{
    public static async Task<(int Available, int Reserved, int Sold, int Void)> AssertCountsAgreeWithKeyRowsAsync(StorageFixture storage, string sku)
    {
        var table = storage.Tables.GetTableClient("CardKeys");
        var byShard = new Dictionary<string, List<TableEntity>>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {sku + "|"} and PartitionKey lt {sku + "}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter))
        {
            (byShard.TryGetValue(row.PartitionKey, out var rows) ? rows : byShard[row.PartitionKey] = []).Add(row);
        }

        var total = (Available: 0, Reserved: 0, Sold: 0, Void: 0);
        foreach (var (partition, rows) in byShard)
        {
            var keys = rows.Where(r => r.RowKey.StartsWith("key|", StringComparison.Ordinal)).ToList();
            int State(string state) => keys.Count(k => k.GetString("State") == state);
            var counts = rows.SingleOrDefault(r => r.RowKey == "!counts");
            Assert.True(counts is not null || keys.Count == 0, $"{partition} has keys but no counts");
            var kept = (counts?.GetInt32("Available") ?? 0, counts?.GetInt32("Reserved") ?? 0, counts?.GetInt32("Sold") ?? 0, counts?.GetInt32("Void") ?? 0);
            Assert.Equal((State("available"), State("reserved"), State("sold"), State("void")), kept);
            Assert.Equal(State("available"), rows.Count(r => r.RowKey.StartsWith("avail|", StringComparison.Ordinal)));
            Assert.Equal(State("reserved"), rows.Count(r => r.RowKey.StartsWith("resv|", StringComparison.Ordinal)));
            Assert.Equal(keys.Count(k => k.GetString("VoidReason") == "expired"), counts?.GetInt32("Expired") ?? 0);

            // Every key in stock has its place in the shard's stock queue, between its head and tail, and is available.
            var (head, tail) = (counts?.GetInt64("Head") ?? 0, counts?.GetInt64("Tail") ?? 0);
            foreach (var inStock in rows.Where(r => r.RowKey.StartsWith("avail|", StringComparison.Ordinal)))
            {
                var seq = long.Parse(inStock.RowKey["avail|".Length..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(seq, head, tail - 1);
                Assert.Equal("available", keys.Single(k => k.RowKey == "key|" + inStock.GetString("KeyId")).GetString("State"));
            }

            total = (total.Available + kept.Item1, total.Reserved + kept.Item2, total.Sold + kept.Item3, total.Void + kept.Item4);
        }

        return total;
    }
}
