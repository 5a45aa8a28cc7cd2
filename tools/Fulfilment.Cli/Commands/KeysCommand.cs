using System.CommandLine;
using System.Globalization;
using System.Text;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary>
/// <c>fulfil keys import &lt;sku&gt; &lt;file&gt;</c>: uploads card keys in requests with a progress bar, all into one import
/// batch; <c>fulfil keys batches|void|void-batch</c>: batches with their keys by state, and taking unsold keys out of stock;
/// <c>fulfil keys compromised</c>: sold keys whose sale was refunded or disputed, to void at the issuer.
/// </summary>
internal static class KeysCommand
{
    private const int MaxReportedRejections = 50;

    public static Command Build(bool interactive)
    {
        var sku = new Argument<string>("sku") { Description = "The card-key SKU to import into." };
        var file = new Argument<FileInfo>("file") { Description = "The keys, one per line (UTF-8)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Keys per upload request (1-100000).", DefaultValueFactory = _ => 10_000 };
        var supplier = new Option<string?>("--supplier") { Description = "Who the keys came from." };
        var unitCost = new Option<decimal?>("--unit-cost") { Description = "What one key cost (default: the SKU's unit cost)." };
        var currency = new Option<string?>("--currency") { Description = "The cost's currency (the SKU's)." };
        var expiresAt = new Option<DateTimeOffset?>("--expires-at") { Description = "When the keys expire (ISO 8601): expired keys are never sold." };
        var import = new Command(
            "import",
            "Import card keys from a file as one batch. Invalid lines are reported by their line number in the file. Safe to " +
            "run again: keys already in stock are rejected, never imported twice.")
        {
            sku, file, batchSize, supplier, unitCost, currency, expiresAt,
        };
        import.Validators.Add(result =>
        {
            if (result.GetValue(batchSize) is < 1 or > 100_000)
            {
                result.AddError("--batch-size must be between 1 and 100000.");
            }
        });
        import.Runs((context, cancellationToken) =>
        {
            var r = context.Result;
            var batchQuery = new ImportBatch(r.GetValue(supplier), r.GetValue(unitCost), r.GetValue(currency), r.GetValue(expiresAt)).ToQuery();
            return ImportAsync(context, r.GetValue(sku)!, r.GetValue(file)!, r.GetValue(batchSize), batchQuery, interactive, cancellationToken);
        });
        return new Command("keys", "Card keys.") { import, BuildBatches(), BuildVoid(), BuildVoidBatch(), BuildCompromised() };
    }

    private static Command BuildBatches()
    {
        var sku = new Argument<string>("sku") { Description = "The card-key SKU." };
        var command = new Command("batches", "Import batches: supplier, cost, expiry, and their keys by state.") { sku };
        command.Runs(async (context, cancellationToken) =>
        {
            var list = await context.Api.GetAsync<KeyBatchList>($"api/ops/skus/{Uri.EscapeDataString(context.Result.GetValue(sku)!)}/batches", Caller.Ops, cancellationToken);
            await context.WriteAsync(list.Batches, rows => Table.Format(
                ["BATCH", "SUPPLIER", "COST", "IMPORTED AT", "EXPIRES AT", "AVAILABLE", "RESERVED", "SOLD", "VOID"],
                rows.Select(b => new[]
                {
                    b.BatchId, b.Supplier ?? "-",
                    b.UnitCost is { } cost ? $"{cost:0.##} {b.Currency}" : "-",
                    b.ImportedAt.ToString("u", CultureInfo.InvariantCulture),
                    b.ExpiresAt is { } expiry ? expiry.ToString("u", CultureInfo.InvariantCulture) + (b.Expired ? " (expired)" : "") : "-",
                    $"{b.Available:N0}", $"{b.Reserved:N0}", $"{b.Sold:N0}", $"{b.Void:N0}",
                })));
        });
        return command;
    }

    private static Command BuildVoid()
    {
        var sku = new Argument<string>("sku") { Description = "The card-key SKU." };
        var keyId = new Argument<string>("keyId") { Description = "The key's id (as in orders and traces; never the key)." };
        var command = new Command("void", "Take one unsold key out of stock for good.") { sku, keyId };
        command.Runs(async (context, cancellationToken) =>
        {
            var (s, k) = (context.Result.GetValue(sku)!, context.Result.GetValue(keyId)!);
            var voided = await context.Api.SendAsync<VoidedKey>(HttpMethod.Post, $"api/ops/skus/{Uri.EscapeDataString(s)}/keys/{Uri.EscapeDataString(k)}/void", null, Caller.Ops, cancellationToken);
            await context.WriteAsync(voided, _ => [$"Key {k} of {s} is void."]);
        });
        return command;
    }

    private static Command BuildVoidBatch()
    {
        var sku = new Argument<string>("sku") { Description = "The card-key SKU." };
        var batchId = new Argument<string>("batchId") { Description = "The import batch (see fulfil keys batches)." };
        var command = new Command("void-batch", "Take every key of a batch still in stock out of stock for good (expired batches: as expired).") { sku, batchId };
        command.Runs(async (context, cancellationToken) =>
        {
            var (s, b) = (context.Result.GetValue(sku)!, context.Result.GetValue(batchId)!);
            var report = await context.Api.SendAsync<BatchVoidReport>(HttpMethod.Post, $"api/ops/skus/{Uri.EscapeDataString(s)}/batches/{Uri.EscapeDataString(b)}/void", null, Caller.Ops, cancellationToken);
            await context.WriteAsync(report, r =>
            [
                $"Voided {r.Voided:N0} key(s) of batch {b} ({r.Reason}).",
                .. r.Reserved is > 0 and var held
                    ? [$"{held:N0} key(s) are reserved for orders in flight: run this again once they settle."]
                    : Array.Empty<string>(),
            ]);
        });
        return command;
    }

    private static async Task ImportAsync(
        CliContext context, string sku, FileInfo file, int batchSize, string batchQuery, bool interactive, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.Usage, $"No file {file.FullName}.");
        }

        var total = File.ReadLines(file.FullName).LongCount();
        var progress = new ProgressBar(context.Error, interactive, "keys", total);
        var report = new UploadTotals(sku, null, 0, 0, [], 0);
        var batch = new List<string>(batchSize);
        var firstLine = 1L;
        foreach (var line in File.ReadLines(file.FullName))
        {
            batch.Add(line);
            if (batch.Count == batchSize)
            {
                report = await UploadAsync(context, report, batch, firstLine, batchQuery, cancellationToken);
                firstLine += batch.Count;
                batch.Clear();
                progress.Report(report.Received);
            }
        }

        if (batch.Count > 0)
        {
            report = await UploadAsync(context, report, batch, firstLine, batchQuery, cancellationToken);
            progress.Report(report.Received);
        }

        progress.Finish();
        await context.WriteAsync(report, r =>
        [
            $"Imported {r.Imported:N0} of {r.Received:N0} keys into {r.Sku}, batch {r.BatchId}; {r.Rejected.Count:N0} rejected.",
            .. r.Rejected.Take(MaxReportedRejections).Select(x => $"  line {x.Line}: {x.Reason}"),
            .. r.Rejected.Count > MaxReportedRejections ? [$"  ... and {r.Rejected.Count - MaxReportedRejections:N0} more (--json lists all)"] : Array.Empty<string>(),
            .. r.OrdersReleased > 0 ? [$"{r.OrdersReleased:N0} order(s) waiting for stock were released."] : Array.Empty<string>(),
        ]);
    }

    /// <summary>Sends one request: the first starts the batch, the others add to it.</summary>
    private static async Task<UploadTotals> UploadAsync(
        CliContext context, UploadTotals sofar, List<string> lines, long firstLine, string batchQuery, CancellationToken cancellationToken)
    {
        var query = sofar.BatchId is null ? batchQuery : $"batchId={Uri.EscapeDataString(sofar.BatchId)}";
        var body = new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "text/plain");
        ImportReport batch;
        try
        {
            batch = await context.Api.SendAsync<ImportReport>(HttpMethod.Post, $"api/ops/skus/{Uri.EscapeDataString(sofar.Sku)}/keys?{query}", body, Caller.Ops, cancellationToken);
        }
        catch (CliException e) when (sofar.Received > 0)
        {
            throw new CliException(e.ExitCode, $"{e.Message}\nLines 1-{firstLine - 1} were imported as reported so far; lines from {firstLine} on were not. Running the same import again is safe.");
        }

        return sofar with
        {
            BatchId = batch.BatchId,
            Received = sofar.Received + batch.Received,
            Imported = sofar.Imported + batch.Imported,
            Rejected = [.. sofar.Rejected, .. batch.Rejected.Select(r => new Rejection(r.Line + firstLine - 1, r.Reason))],
            OrdersReleased = sofar.OrdersReleased + batch.OrdersReleased,
        };
    }

    /// <summary>What the uploads of one file did so far, with each rejected line numbered within the file.</summary>
    private sealed record UploadTotals(string Sku, string? BatchId, long Received, long Imported, IReadOnlyList<Rejection> Rejected, int OrdersReleased);

    private sealed record Rejection(long Line, string Reason);

    private static Command BuildCompromised()
    {
        var sku = new Argument<string>("sku") { Description = "The card-key SKU." };
        var command = new Command("compromised", "Sold keys whose sale was refunded or disputed (the buyer keeps the key): void them at the issuer.") { sku };
        command.Runs(async (context, cancellationToken) =>
        {
            var list = await context.Api.GetAsync<CompromisedKeyList>($"api/ops/skus/{Uri.EscapeDataString(context.Result.GetValue(sku)!)}/keys/compromised", Caller.Ops, cancellationToken);
            await context.WriteAsync(list.Keys, rows => Table.Format(
                ["KEY ID", "PARTNER", "ORDER", "REASON", "FLAGGED AT"],
                rows.Select(k => new[] { k.KeyId, k.PartnerId, k.OrderId, k.Reason, k.FlaggedAt.ToString("u", CultureInfo.InvariantCulture) })));
        });
        return command;
    }
}
