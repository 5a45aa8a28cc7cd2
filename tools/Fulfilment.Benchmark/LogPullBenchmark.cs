using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Local;
using Fulfilment.Orders;
using Fulfilment.RedemptionLog;
using Microsoft.Extensions.Logging;

namespace Fulfilment.Benchmark;

/// <summary>
/// A partner pulling its whole redemption log page by page through the API (continuation tokens, auth, JSON), against
/// a raw Table query of the same rows over the same partition range, in the same run. Prints entries/s for both and the ratio (target ≥ 0.8).
/// </summary>
internal static class LogPullBenchmark
{
    public static async Task<int> RunAsync(int entries, int days, int pageSize, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Starting Azurite (in memory) for a log of {entries} entries over {days} day(s), pages of {pageSize}");
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        // The partner rate limit is not what is measured here: lift it.
        await using var app = await LocalApp.StartAsync(
            azurite.ConnectionString, new Dictionary<string, string?> { ["PartnerApi:RequestsPerSecond"] = "100000" }, l => l.SetMinimumLevel(LogLevel.Warning));
        var ops = new OpsClient(app.CreateClient(LocalApp.OpsKey));
        var partner = await ops.CreatePartnerAsync("log-reader", "Log reader", cancellationToken: cancellationToken);

        // The last `days` days of entries, written straight in the log's layout (one partition per day), a transaction of
        // 50 entries (100 rows, one partition) at a time.
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("RedemptionLog");
        var first = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-days), TimeSpan.Zero);
        var span = TimeSpan.FromDays(days);
        var seeding = Stopwatch.StartNew();
        var seeded = 0;
        var batches = Enumerable.Range(0, entries)
            .Select(i => FinalOrder(partner.PartnerId, i, first + span * i / entries))
            .GroupBy(order => RedemptionLogBook.Partition(order.PartnerId, order.FinalAt!.Value))
            .SelectMany(day => day.Chunk(50));
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            await table.SubmitTransactionAsync(chunk.SelectMany(RedemptionLogBook.RowsOf).Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)), ct);
            if (Interlocked.Add(ref seeded, chunk.Length) % 10_000 < chunk.Length)
            {
                Console.WriteLine($"  seeding: {seeded} of {entries} entries, {seeding.Elapsed.TotalSeconds:F0} s");
            }
        });
        Console.WriteLine($"  seeded {entries} entries in {seeding.Elapsed.TotalSeconds:F1} s");

        var from = Uri.EscapeDataString(first.ToString("O"));
        var to = Uri.EscapeDataString((first + span).ToString("O"));
        using var http = app.CreateClient(partner.ApiKey);
        var clock = Stopwatch.StartNew();
        var pulled = 0;
        string? token = null;
        do
        {
            var query = $"api/partners/{partner.PartnerId}/redemptions?from={from}&to={to}&order=oldest&pageSize={pageSize}";
            var page = await http.GetFromJsonAsync<JsonElement>(token is null ? query : $"{query}&continuationToken={token}", cancellationToken);
            pulled += page.GetProperty("entries").GetArrayLength();
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        var api = clock.Elapsed;

        clock.Restart();
        var raw = 0;
        var firstPartition = RedemptionLogBook.Partition(partner.PartnerId, first);
        var lastPartition = RedemptionLogBook.Partition(partner.PartnerId, first + span);
        await foreach (var page in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter(
                $"PartitionKey ge {firstPartition} and PartitionKey le {lastPartition} and RowKey ge {RedemptionLogBook.Ascending} and RowKey lt {RedemptionLogBook.Descending}"),
            maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages())
        {
            raw += page.Values.Count;
        }

        var rawTime = clock.Elapsed;
        var apiRate = pulled / api.TotalSeconds;
        var rawRate = raw / rawTime.TotalSeconds;
        Console.WriteLine($"  API pull:  {pulled} entries in {api.TotalSeconds:F2} s = {apiRate:F0} entries/s");
        Console.WriteLine($"  raw query: {raw} entries in {rawTime.TotalSeconds:F2} s = {rawRate:F0} entries/s");
        Console.WriteLine($"Ratio API/raw: {apiRate / rawRate:F2} (target ≥ 0.80) {(apiRate / rawRate >= 0.8 ? "met" : "NOT met")}");
        return pulled == entries && raw == entries ? 0 : 1;
    }

    private static Order FinalOrder(string partnerId, int i, DateTimeOffset at) =>
        new(partnerId, $"o-{i:D7}", "bench-card", "card-key", 1, 10m, "CNY", $"buyer-{i}", null, "m", OrderState.Delivered, null, [], at, at, ETag.All)
        {
            FinalAt = at,
        };
}
