using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Fulfilment.Contract;
using Fulfilment.Local;
using Microsoft.Extensions.Logging;

namespace Fulfilment.Benchmark;

/// <summary>
/// The published app (<c>scripts/publish.sh</c>) as Azure runs it: process start → first payment webhook answered, and →
/// that order delivered, over a number of starts (median); then one process through two rounds of orders, with its
/// working set after each.
/// </summary>
internal static class StartupBenchmark
{
    private const string Sku = "startup-card";

    public static async Task<int> RunAsync(int starts, int orders, string? published, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find();
        var folder = published ?? Path.Combine(Path.GetTempPath(), "fulfilment-startup-" + Guid.NewGuid().ToString("N")[..8]);
        if (published is null)
        {
            Console.WriteLine($"Publishing with scripts/publish.sh into {folder}…");
            using var publish = Process.Start(new ProcessStartInfo(Path.Combine(root, "scripts", "publish.sh"), [folder]) { WorkingDirectory = root })!;
            await publish.WaitForExitAsync(cancellationToken);
            if (publish.ExitCode != 0)
            {
                Console.Error.WriteLine("publish failed");
                return 1;
            }
        }

        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        CreatedPartner partner;
        await using (var setup = await LocalApp.StartAsync(azurite.ConnectionString, logging: l => l.SetMinimumLevel(LogLevel.Warning)))
        {
            var ops = new OpsClient(setup.CreateClient(LocalApp.OpsKey));
            partner = await ops.CreatePartnerAsync("startup-shop", "Startup shop", cancellationToken: cancellationToken);
            await ops.SaveSkuAsync(Sku, "Startup card", "card-key", 10m, "CNY", cancellationToken: cancellationToken);
            foreach (var chunk in Enumerable.Range(0, starts + (2 * orders)).Chunk(10_000))
            {
                await ops.ImportKeysAsync(Sku, chunk.Select(i => $"START-{i:D8}-{Guid.NewGuid():N}"), cancellationToken);
            }
        }

        var executable = Path.Combine(folder, "Fulfilment.Functions");
        var answered = new List<double>();
        var delivered = new List<double>();
        for (var start = 0; start < starts; start++)
        {
            var port = Azurite.FreePort();
            var clock = Stopwatch.StartNew();
            using var app = StartApp(executable, folder, port, azurite.ConnectionString);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var orderId = $"start-{start}";
            await SendUntilAnsweredAsync(new PaymentWebhookSender(http), partner, orderId, app.Process, cancellationToken);
            answered.Add(clock.Elapsed.TotalMilliseconds);
            await WaitUntilDeliveredAsync(http, partner, orderId, cancellationToken);
            delivered.Add(clock.Elapsed.TotalMilliseconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  start {start + 1}: first webhook answered after {answered[^1]:F0} ms, its order delivered after {delivered[^1]:F0} ms"));
        }

        answered.Sort();
        delivered.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Process start → first webhook answered: median {answered[answered.Count / 2]:F0} ms (min {answered[0]:F0}, max {answered[^1]:F0}); " +
            $"→ first order delivered: median {delivered[delivered.Count / 2]:F0} ms (target < 500 ms to the first answer)"));

        if (orders > 0)
        {
            await MeasureMemoryAsync(executable, folder, azurite.ConnectionString, partner, orders, cancellationToken);
        }

        return 0;
    }

    private static async Task MeasureMemoryAsync(string executable, string folder, string connectionString, CreatedPartner partner, int orders, CancellationToken cancellationToken)
    {
        var port = Azurite.FreePort();
        using var app = StartApp(executable, folder, port, connectionString);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var sender = new PaymentWebhookSender(http);
        await SendUntilAnsweredAsync(sender, partner, "memory-first", app.Process, cancellationToken);
        using var opsHttp = new HttpClient { BaseAddress = http.BaseAddress, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", LocalApp.OpsKey) } };
        var ops = new OpsClient(opsHttp);
        var sold = (await ops.GetStockAsync(Sku, cancellationToken)).Sold;
        var sent = 1;
        var rounds = new List<long>();
        for (var round = 1; round <= 2; round++)
        {
            var offset = sent;
            await WebhookLoad.SendAsync(sender, partner, orders, 32, null,
                i => new PaymentData($"memory-{offset + i:D7}", Sku, 1, 10m, "CNY", $"buyer-{i}"), cancellationToken);
            sent += orders;
            await WaitUntilSoldAsync(ops, sold + orders * round, cancellationToken);
            app.Process.Refresh();
            rounds.Add(app.Process.WorkingSet64);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  working set after {round * orders:N0} orders: {app.Process.WorkingSet64 / 1024.0 / 1024.0:F0} MB{ResidentSplit(app.Process.Id)}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Working set after {orders:N0} orders: {rounds[0] / 1024.0 / 1024.0:F0} MB (target < 250 MB); " +
            $"growth over the next {orders:N0}: {(rounds[1] - rounds[0]) / 1024.0 / 1024.0:F0} MB"));
    }

    /// <summary>
    /// On Linux, the working set split as /proc/[pid]/status gives it: anonymous memory (the GC heap, native buffers) and
    /// file-backed pages (the mapped code: with composite ReadyToRun, pages of one big image are touched as code paths run).
    /// </summary>
    private static string ResidentSplit(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return "";
        }

        var fields = File.ReadLines(status).Select(line => line.Split(':', 2)).Where(f => f.Length == 2)
            .ToDictionary(f => f[0], f => f[1].Trim());
        string Megabytes(string field) => fields.TryGetValue(field, out var kilobytes) && long.TryParse(kilobytes.Split(' ')[0], out var kb)
            ? (kb / 1024.0).ToString("F0", CultureInfo.InvariantCulture)
            : "?";
        return $" (anonymous {Megabytes("RssAnon")} MB, files {Megabytes("RssFile")} MB)";
    }

    /// <summary>The published handler on its own (no Functions host), driving its queue triggers as the local trigger host does.</summary>
    private static AppProcess StartApp(string executable, string folder, int port, string connectionString) =>
        AppProcess.Start(executable, folder, new Dictionary<string, string>
        {
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["AzureWebJobsStorage"] = connectionString,
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Logging__LogLevel__Default"] = "Warning",
        });

    private static async Task SendUntilAnsweredAsync(PaymentWebhookSender sender, CreatedPartner partner, string orderId, Process app, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var response = await sender.SendAsync(partner.PartnerId, partner.WebhookSecret,
                    new PaymentData(orderId, Sku, 1, 10m, "CNY", "buyer"), cancellationToken: cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                throw new InvalidOperationException($"the webhook was answered {(int)response.StatusCode}");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !app.HasExited)
            {
                await Task.Delay(5, cancellationToken); // not listening yet
            }
        }
    }

    private static async Task WaitUntilDeliveredAsync(HttpClient http, CreatedPartner partner, string orderId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, $"api/partners/{partner.PartnerId}/orders/{orderId}");
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", partner.ApiKey);
            using var response = await http.SendAsync(get, cancellationToken);
            if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("\"delivered\"", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(5, cancellationToken);
        }

        throw new TimeoutException($"order {orderId} was not delivered within 60 s");
    }

    private static async Task WaitUntilSoldAsync(OpsClient ops, int sold, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(30);
        while (DateTime.UtcNow < deadline && (await ops.GetStockAsync(Sku, cancellationToken)).Sold < sold)
        {
            await Task.Delay(1000, cancellationToken);
        }
    }
}
