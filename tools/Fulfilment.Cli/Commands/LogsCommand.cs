using System.CommandLine;
using System.Text;
using System.Text.Json;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil logs pull &lt;partnerId&gt;</c>: a partner's redemption log as NDJSON, following continuation tokens.</summary>
internal static class LogsCommand
{
    public static Command Build(bool interactive)
    {
        var partnerId = new Argument<string>("partnerId");
        var from = new Option<DateTimeOffset?>("--from") { Description = "Entries at or after this time (ISO 8601; default 30 days ago)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Entries before this time (default now)." };
        var sku = new Option<string?>("--sku");
        var status = new Option<string?>("--status") { Description = "key-delivered, top-up-credited, redemption-done, order-failed or needs-attention." };
        var orderId = new Option<string?>("--order-id");
        var oldestFirst = new Option<bool>("--oldest-first") { Description = "Oldest entries first (default newest first)." };
        var pageSize = new Option<int>("--page-size") { Description = "Entries per request (1-1000).", DefaultValueFactory = _ => 1000 };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file (default stdout)." };
        var pull = new Command("pull", "Pull a partner's redemption log (partner API key) and write it as NDJSON, one entry per line.")
        {
            partnerId, from, to, sku, status, orderId, oldestFirst, pageSize, output,
        };
        pull.Runs(async (context, cancellationToken) =>
        {
            var r = context.Result;
            var query = new List<string>
            {
                $"order={(r.GetValue(oldestFirst) ? "oldest" : "newest")}",
                $"pageSize={r.GetValue(pageSize)}",
            };
            void Add(string name, string? value)
            {
                if (value is not null)
                {
                    query.Add($"{name}={Uri.EscapeDataString(value)}");
                }
            }

            Add("from", r.GetValue(from)?.ToString("O"));
            Add("to", r.GetValue(to)?.ToString("O"));
            Add("sku", r.GetValue(sku));
            Add("status", r.GetValue(status));
            Add("orderId", r.GetValue(orderId));
            var path = $"api/partners/{Uri.EscapeDataString(r.GetValue(partnerId)!)}/redemptions?{string.Join('&', query)}";

            var file = r.GetValue(output);
            await using var fileWriter = file is null ? null : new StreamWriter(file.FullName, append: false, new UTF8Encoding(false));
            var writer = fileWriter ?? context.Output;
            var progress = new ProgressBar(context.Error, interactive, "entries", null);
            long entries = 0, pages = 0;
            string? token = null;
            do
            {
                var page = await context.Api.GetAsync<RedemptionLogPage>(
                    token is null ? path : $"{path}&continuationToken={Uri.EscapeDataString(token)}", Caller.Partner, cancellationToken);
                foreach (var entry in page.Entries)
                {
                    await writer.WriteLineAsync(JsonSerializer.Serialize(entry, ContractJson.Options));
                    entries++;
                }

                pages++;
                token = page.ContinuationToken;
                progress.Report(entries, $"{pages:N0} page(s)");
            }
            while (token is not null);

            progress.Finish();
            await writer.FlushAsync(cancellationToken);
            await context.Error.WriteLineAsync($"Pulled {entries:N0} entries in {pages:N0} page(s)" + (file is null ? "." : $" to {file.FullName}."));
        });
        return new Command("logs", "A partner's redemption log.") { pull };
    }
}
