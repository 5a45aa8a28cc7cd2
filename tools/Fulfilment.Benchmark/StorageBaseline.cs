using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Fulfilment.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.Benchmark;

/// <summary>
/// The ceiling: per order only the storage calls it minimally needs, straight from a loop — insert the order,
/// enqueue, dequeue, claim a key (find one, conditional transaction), mark the order delivered, delete the message.
/// </summary>
internal static class StorageBaseline
{
    private const int Shards = 4;

    /// <summary>Runs the orders; answers how long they took and the storage requests they sent (the seeding not counted).</summary>
    public static async Task<(TimeSpan Elapsed, Dictionary<StorageOp, long> Ops)> RunAsync(
        string connectionString, int orders, int concurrency, CancellationToken cancellationToken)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var tally = new StorageOpsTally(meters);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(new StorageRequestCounter(meters, "table"), HttpPipelinePosition.PerRetry);
        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(new StorageRequestCounter(meters, "queue"), HttpPipelinePosition.PerRetry);
        var tables = new TableServiceClient(connectionString, tableOptions);
        var orderTable = tables.GetTableClient("BaselineOrders");
        var keyTable = tables.GetTableClient("BaselineKeys");
        var queue = new QueueServiceClient(connectionString, queueOptions).GetQueueClient("baseline-orders");
        await orderTable.CreateIfNotExistsAsync(cancellationToken);
        await keyTable.CreateIfNotExistsAsync(cancellationToken);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await SeedKeysAsync(keyTable, orders, cancellationToken);

        var before = tally.Snapshot();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < orders)
            {
                var orderId = $"order-{i}";
                await orderTable.AddEntityAsync(new TableEntity(orderId, "order") { ["State"] = "paid", ["Sku"] = "bench" }, cancellationToken);
                await queue.SendMessageAsync(orderId, cancellationToken);
                if ((await queue.ReceiveMessageAsync(TimeSpan.FromMinutes(1), cancellationToken)).Value is { } message)
                {
                    await DeliverAsync(message);
                }
            }
        }, cancellationToken)));

        // Messages a loop could not receive in time are still waiting: finish them the same way.
        while ((await queue.ReceiveMessageAsync(TimeSpan.FromMinutes(1), cancellationToken)).Value is { } left)
        {
            await DeliverAsync(left);
        }

        return (clock.Elapsed, StorageOpsTally.Difference(tally.Snapshot(), before));

        async Task DeliverAsync(Azure.Storage.Queues.Models.QueueMessage message)
        {
            var orderId = message.Body.ToString();
            var keyId = await ClaimKeyAsync(keyTable, orderId, cancellationToken);
            await orderTable.UpdateEntityAsync(
                new TableEntity(orderId, "order") { ["State"] = "delivered", ["Key"] = keyId }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
    }

    private static async Task<string> ClaimKeyAsync(TableClient keys, string orderId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var partition = $"bench|{Random.Shared.Next(Shards)}";
            var from = "avail|" + Convert.ToHexStringLower(BitConverter.GetBytes((ushort)Random.Shared.Next(65536)));
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {"avail}"}");
            await foreach (var page in keys.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
            {
                if (page.Values.FirstOrDefault() is not { } available)
                {
                    break;
                }

                var keyId = available.RowKey["avail|".Length..];
                try
                {
                    await keys.SubmitTransactionAsync(
                        [
                            new(TableTransactionActionType.Delete, available, available.ETag),
                            new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, "key|" + keyId) { ["State"] = "sold", ["OrderId"] = orderId }, ETag.All),
                        ],
                        cancellationToken);
                    return keyId;
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412)
                {
                }

                break;
            }
        }
    }

    private static async Task SeedKeysAsync(TableClient keys, int count, CancellationToken cancellationToken)
    {
        // 20% spare so the random probe rarely lands past the last key of a shard.
        var ids = Enumerable.Range(0, count + count / 5 + Shards * 8).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        await Parallel.ForEachAsync(ids.GroupBy(id => $"bench|{Convert.ToInt32(id[..2], 16) % Shards}"), cancellationToken, async (shard, ct) =>
        {
            foreach (var chunk in shard.Chunk(50))
            {
                await keys.SubmitTransactionAsync(chunk.SelectMany(id => new TableTransactionAction[]
                {
                    new(TableTransactionActionType.Add, new TableEntity(shard.Key, "key|" + id) { ["State"] = "available", ["SealedKey"] = new byte[48] }),
                    new(TableTransactionActionType.Add, new TableEntity(shard.Key, "avail|" + id)),
                }), ct);
            }
        });
    }
}
