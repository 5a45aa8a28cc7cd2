using System.Buffers.Text;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Fulfilment.Crypto;

/// <summary>
/// KEK rotation: once a new KEK version is current, re-wraps every value sealed under an older version (data keys,
/// SKU fingerprint keys, partners' webhook secrets) to it, touching no card-key ciphertext. Work is done in calls of at
/// most <c>maxRows</c> rows, each answering a continuation token to resume from; a rotation can also simply be run again,
/// as rows already under the current version are skipped. A row that cannot be opened (its version is gone, its value is
/// damaged) is reported and skipped. When a full run re-wraps nothing and fails nothing, the old version can be disabled.
/// </summary>
internal sealed class KekRotation(IKeyEncryptionKeys keks, IEnumerable<IKekWrappedRows> wrappedTables, TableServiceClient tables, ILogger<KekRotation> logger)
{
    private const int MaxFailuresReported = 20;
    private readonly IKekWrappedRows[] phases = wrappedTables.OrderBy(t => t.TableName, StringComparer.Ordinal).ToArray();

    public async Task<KekRotationProgress> RunAsync(string? continuationToken, int maxRows, CancellationToken cancellationToken)
    {
        var position = continuationToken is null ? new Position(0, null, null) : Position.Parse(continuationToken, phases.Length);
        var current = await keks.RefreshCurrentAsync(cancellationToken);
        int examined = 0, rewrapped = 0, alreadyCurrent = 0, failed = 0;
        var failures = new List<string>();
        for (var phase = position.Phase; phase < phases.Length; phase++)
        {
            var rows = phases[phase];
            var after = phase == position.Phase ? position : new Position(phase, null, null);
            var filter = after.PartitionKey is null
                ? "KekVersion ne ''"
                : TableClient.CreateQueryFilter(
                    $"(PartitionKey gt {after.PartitionKey} or (PartitionKey eq {after.PartitionKey} and RowKey gt {after.RowKey})) and KekVersion ne ''");
            await foreach (var row in tables.GetTableClient(rows.TableName).QueryAsync<TableEntity>(filter, maxPerPage: maxRows, cancellationToken: cancellationToken))
            {
                examined++;
                if (row.GetString("KekVersion") == current.Version)
                {
                    alreadyCurrent++;
                }
                else
                {
                    try
                    {
                        rewrapped += await rows.RewrapAsync(row, current, cancellationToken) ? 1 : 0;
                    }
                    catch (Exception e) when (e is RequestFailedException or SealedValueException)
                    {
                        // Its KEK version is gone or the value does not open: report it, go on with the others.
                        failed++;
                        logger.LogError("KEK rotation: {Table} row {PartitionKey}/{RowKey} under KEK version {KekVersion} cannot be re-wrapped: {Error}",
                            rows.TableName, row.PartitionKey, row.RowKey, row.GetString("KekVersion"), e.Message);
                        if (failures.Count < MaxFailuresReported)
                        {
                            failures.Add($"{rows.TableName} {row.PartitionKey}/{row.RowKey} (KEK version {row.GetString("KekVersion")}): {e.Message}");
                        }
                    }
                }

                if (examined == maxRows)
                {
                    logger.LogInformation("KEK rotation to {KekVersion}: {Rewrapped} of {Examined} rows re-wrapped, up to {Table} {PartitionKey}",
                        current.Version, rewrapped, examined, rows.TableName, row.PartitionKey);
                    return new KekRotationProgress(current.Version, examined, rewrapped, alreadyCurrent, failed, failures, new Position(phase, row.PartitionKey, row.RowKey).ToToken());
                }
            }
        }

        logger.LogInformation("KEK rotation to {KekVersion}: {Rewrapped} of {Examined} rows re-wrapped; every row examined", current.Version, rewrapped, examined);
        return new KekRotationProgress(current.Version, examined, rewrapped, alreadyCurrent, failed, failures, null);
    }

    /// <summary>The last row examined: which table (phase), partition and row.</summary>
    private sealed record Position(int Phase, string? PartitionKey, string? RowKey)
    {
        public string ToToken() => $"{Phase}.{Encode(PartitionKey!)}.{Encode(RowKey!)}";

        public static Position Parse(string token, int phases)
        {
            var parts = token.Split('.');
            try
            {
                if (parts.Length == 3 && int.TryParse(parts[0], out var phase) && phase >= 0 && phase < phases)
                {
                    return new Position(phase, Decode(parts[1]), Decode(parts[2]));
                }
            }
            catch (FormatException)
            {
            }

            throw new FormatException("The continuation token is not one a KEK rotation answered.");
        }

        private static string Encode(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

        private static string Decode(string value) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
    }
}
