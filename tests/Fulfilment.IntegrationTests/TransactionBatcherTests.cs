using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.IntegrationTests;

/// <summary>Group commit: concurrent writers of one partition share transactions, and each learns its own outcome.</summary>
[Collection(StorageCollection.Name)]
public sealed class TransactionBatcherTests(StorageFixture storage)
{
    [Fact]
    public async Task Concurrent_writes_to_one_partition_share_transactions_and_a_failing_writer_fails_alone()
    {
        var transactions = new CountRequests(request => request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        var options = new TableClientOptions();
        options.AddPolicy(transactions, HttpPipelinePosition.PerCall);
        var table = new TableServiceClient(storage.ConnectionString, options).GetTableClient("Batcher" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("p", "row-07"));
        var batcher = new TransactionBatcher(table);

        // 60 writers of two rows each; row-07 is there already, so its writer fails.
        var writes = Enumerable.Range(0, 60).Select(i => batcher.SubmitAsync("p",
            [
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"row-{i:D2}")),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"copy-{i:D2}")),
            ],
            default)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return 0;
            }
            catch (RequestFailedException e)
            {
                return e.Status;
            }
        }));

        Assert.Equal(409, outcomes[7]); // row-07 was there: that writer fails, and only it
        Assert.All(outcomes.Where((_, i) => i != 7), status => Assert.Equal(0, status));
        var rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == "p").Select(e => e.RowKey).ToListAsync();
        Assert.Equal(60 + 59, rows.Count);
        Assert.DoesNotContain("copy-07", rows);
        Assert.InRange(transactions.Count, 2, 20); // one per writer would be 60
    }

    [Fact]
    public async Task Writes_of_one_row_by_two_writers_go_in_separate_transactions()
    {
        var table = storage.Tables.GetTableClient("Batcher" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();
        var batcher = new TransactionBatcher(table);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => batcher.SubmitAsync("p",
            [new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "same") { ["Writer"] = i })],
            default)));

        var row = (await table.GetEntityAsync<TableEntity>("p", "same")).Value;
        Assert.InRange(row.GetInt32("Writer")!.Value, 0, 9);
    }
}
