using Azure.Data.Tables;
using Fulfilment.Hosting;

namespace Fulfilment.Storage;

/// <summary>
/// The last failure reason of each queue message, keyed by queue and message id, so ops can see why a
/// message sits in a poison queue (the Functions host copies the message there without a reason).
/// </summary>
internal sealed class QueueFailureLog(TableServiceClient tables)
{
    private readonly TableClient table = tables.GetTableClient(TableNames.QueueFailures);

    public async Task RecordAsync(QueueInvocation invocation, string reason, bool poisoned, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(invocation.QueueName, invocation.MessageId)
        {
            ["FunctionName"] = invocation.FunctionName,
            ["Reason"] = Truncate(reason, 2000),
            ["DequeueCount"] = invocation.DequeueCount,
            ["Poisoned"] = poisoned,
            ["FailedAt"] = DateTimeOffset.UtcNow,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
