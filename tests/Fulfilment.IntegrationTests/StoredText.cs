using System.Text;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.IntegrationTests;

/// <summary>Everything a run left readable: its log lines, every queue message (as sent and base64-decoded), every table value.</summary>
internal static class StoredText
{
    public static async Task<StringBuilder> CollectAsync(StorageFixture storage, Scenario scenario)
    {
        var everything = new StringBuilder();
        foreach (var line in scenario.Logs.Lines)
        {
            everything.AppendLine(line);
        }

        await foreach (var queue in storage.Queues.GetQueuesAsync())
        {
            foreach (var message in (await storage.Queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                everything.AppendLine(message.Body.ToString()).AppendLine(Decode(message.Body.ToString()));
            }
        }

        foreach (var table in TableNames.All)
        {
            await foreach (var entity in storage.Tables.GetTableClient(table).QueryAsync<TableEntity>())
            {
                foreach (var value in ((IDictionary<string, object>)entity).Values)
                {
                    everything.AppendLine(value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString());
                }
            }
        }

        return everything;
    }

    private static string Decode(string body)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(body));
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
