using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil keys import &lt;sku&gt; &lt;file&gt;</c>: uploads card keys in batches with a progress bar.</summary>
internal static class KeysCommand
{
    private const int MaxReportedRejections = 50;

    public static Command Build(bool interactive)
    {
        var sku = new Argument<string>("sku") { Description = "The card-key SKU to import into." };
        var file = new Argument<FileInfo>("file") { Description = "The keys, one per line (UTF-8)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Keys per upload request (1-100000).", DefaultValueFactory = _ => 10_000 };
        var import = new Command(
            "import",
            "Import card keys from a file. Invalid lines are reported by their line number in the file. Safe to run again: " +
            "keys already in stock are rejected, never imported twice.")
        {
            sku, file, batchSize,
        };
        import.Validators.Add(result =>
        {
            if (result.GetValue(batchSize) is < 1 or > 100_000)
            {
                result.AddError("--batch-size must be between 1 and 100000.");
            }
        });
        import.Runs((context, cancellationToken) =>
            ImportAsync(context, context.Result.GetValue(sku)!, context.Result.GetValue(file)!, context.Result.GetValue(batchSize), interactive, cancellationToken));
        return new Command("keys", "Card keys.") { import };
    }

    private static async Task ImportAsync(CliContext context, string sku, FileInfo file, int batchSize, bool interactive, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.Usage, $"No file {file.FullName}.");
        }

        var total = File.ReadLines(file.FullName).LongCount();
        var progress = new ProgressBar(context.Error, interactive, "keys", total);
        var report = new ImportReport(sku, 0, 0, [], 0);
        var batch = new List<string>(batchSize);
        var firstLine = 1L;
        foreach (var line in File.ReadLines(file.FullName))
        {
            batch.Add(line);
            if (batch.Count == batchSize)
            {
                report = await UploadAsync(context, report, batch, firstLine, cancellationToken);
                firstLine += batch.Count;
                batch.Clear();
                progress.Report(report.Received);
            }
        }

        if (batch.Count > 0)
        {
            report = await UploadAsync(context, report, batch, firstLine, cancellationToken);
            progress.Report(report.Received);
        }

        progress.Finish();
        await context.WriteAsync(report, r =>
        [
            $"Imported {r.Imported:N0} of {r.Received:N0} keys into {r.Sku}; {r.Rejected.Count:N0} rejected.",
            .. r.Rejected.Take(MaxReportedRejections).Select(x => $"  line {x.Line}: {x.Reason}"),
            .. r.Rejected.Count > MaxReportedRejections ? [$"  ... and {r.Rejected.Count - MaxReportedRejections:N0} more (--json lists all)"] : Array.Empty<string>(),
            .. r.OrdersReleased > 0 ? [$"{r.OrdersReleased:N0} order(s) waiting for stock were released."] : Array.Empty<string>(),
        ]);
    }

    private static async Task<ImportReport> UploadAsync(CliContext context, ImportReport sofar, List<string> lines, long firstLine, CancellationToken cancellationToken)
    {
        var body = new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "text/plain");
        JsonElement answer;
        try
        {
            answer = await context.Api.SendAsync(HttpMethod.Post, $"api/ops/skus/{Uri.EscapeDataString(sofar.Sku)}/keys", body, Caller.Ops, cancellationToken);
        }
        catch (CliException e) when (sofar.Received > 0)
        {
            throw new CliException(e.ExitCode, $"{e.Message}\nLines 1-{firstLine - 1} were imported as reported so far; lines from {firstLine} on were not. Running the same import again is safe.");
        }

        var batch = answer.Deserialize<ImportReport>(Json.Web)!;
        return sofar with
        {
            Received = sofar.Received + batch.Received,
            Imported = sofar.Imported + batch.Imported,
            Rejected = [.. sofar.Rejected, .. batch.Rejected.Select(r => r with { Line = r.Line + firstLine - 1 })],
            OrdersReleased = sofar.OrdersReleased + batch.OrdersReleased,
        };
    }

    private sealed record ImportReport(string Sku, long Received, long Imported, IReadOnlyList<Rejection> Rejected, int OrdersReleased);

    private sealed record Rejection(long Line, string Reason);
}
