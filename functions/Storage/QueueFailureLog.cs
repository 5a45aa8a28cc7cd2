using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;

namespace Fulfilment.Storage;

/// <summary>
/// The last failure reason of each queue message, so ops can see why a message sits in a poison queue (the Functions
/// host copies a message there without a reason, and under a new message id). Rows are keyed by the queue and a hash
/// of the message text, which the poison copy keeps: partition = queue, row = SHA-256 of the text.
/// </summary>
internal sealed class QueueFailureLog(TableServiceClient tables, IMeterFactory meters, TimeProvider clock)
{
    private readonly TableClient table = tables.GetTableClient(TableNames.QueueFailures);

    private readonly Counter<long> poisonedMessages = meters.Create(StorageRequestCounter.MeterName)
        .CreateCounter<long>("fulfilment.queue.poisoned", "{message}", "Messages moved to a poison queue (at once, or after their last allowed attempt), by queue and function.");

    public Task RecordAsync(QueueInvocation invocation, string reason, FailureOutcome outcome, CancellationToken cancellationToken) =>
        RecordAsync(invocation.QueueName, invocation.MessageText, invocation.FunctionName, reason, invocation.DequeueCount, outcome, cancellationToken);

    public async Task RecordAsync(
        string queueName, string messageText, string functionName, string reason, long attempts, FailureOutcome outcome, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(queueName, RowKey(messageText))
        {
            ["FunctionName"] = functionName,
            ["Reason"] = Truncate(reason, 2000),
            ["DequeueCount"] = attempts,
            ["Poisoned"] = outcome == FailureOutcome.PoisonedAtOnce,
            ["FailedAt"] = clock.GetUtcNow(),
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        if (outcome != FailureOutcome.Retried)
        {
            poisonedMessages.Add(1, new KeyValuePair<string, object?>("queue", queueName), new KeyValuePair<string, object?>("function", functionName));
        }
    }

    /// <summary>The last recorded failure of this message text on this queue, if any.</summary>
    public async Task<QueueFailure?> FindAsync(string queueName, string messageText, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(queueName, RowKey(messageText), cancellationToken: cancellationToken);
        return found.HasValue
            ? new QueueFailure(
                found.Value!.GetString("FunctionName") ?? "",
                found.Value.GetString("Reason") ?? "",
                found.Value.GetInt64("DequeueCount") ?? 0,
                found.Value.GetBoolean("Poisoned") ?? false,
                found.Value.GetDateTimeOffset("FailedAt") ?? default)
            : null;
    }

    private static string RowKey(string messageText) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageText)));

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
