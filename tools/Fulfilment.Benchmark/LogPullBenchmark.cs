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
/// a raw Table query of the same rows, in the same run. Prints entries/s for both and the ratio (target ≥ 0.8).
/// </summary>
internal static class LogPullBenchmark
{
    public static async Task<int> RunAsync(int entries, int pageSize, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Starting Azurite (in memory) for a log of {entries} entries, pages of {pageSize}");
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        await using var app = await LocalApp.StartAsync(azurite.ConnectionString, logging: l => l.SetMinimumLevel(LogLevel.Warning));
        var ops = new OpsClient(app.CreateClient(LocalApp.OpsKey));
        var partner = await ops.CreatePartnerAsync("log-reader", "Log reader", cancellationToken: cancellationToken);

        // One day of entries, written straight in the log's layout, a transaction of 50 entries (100 rows) at a time.
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("RedemptionLog");
        var day = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1), TimeSpan.Zero);
        var seeding = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, entries).Chunk(50), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (chunk, ct) => await table.SubmitTransactionAsync(
                chunk.SelectMany(i => RedemptionLogBook.RowsOf(FinalOrder(partner.PartnerId, i, day.AddMilliseconds(i * 86_400_000.0 / entries))))
                    .Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)), ct));
        Console.WriteLine($"  seeded {entries} entries in {seeding.Elapsed.TotalSeconds:F1} s");

        var from = Uri.EscapeDataString(day.ToString("O"));
        var to = Uri.EscapeDataString(day.AddDays(1).AddTicks(-1).ToString("O"));
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
        var partition = RedemptionLogBook.Partition(partner.PartnerId, day);
        await foreach (var page in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {RedemptionLogBook.Ascending} and RowKey lt {RedemptionLogBook.Descending}"),
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
