using Azure;
using Azure.Data.Tables;

namespace Fulfilment.Crypto;

internal static class KekWrappedRows
{
    /// <summary>Merges <paramref name="rewrapped"/> into the row unless someone changed it since it was read.</summary>
    public static async Task<bool> ReplaceIfUnchangedAsync(TableClient table, TableEntity read, TableEntity rewrapped, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(rewrapped, read.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }
}
