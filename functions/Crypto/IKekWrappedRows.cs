using Azure.Data.Tables;

namespace Fulfilment.Crypto;

/// <summary>A table whose rows hold values sealed under a KEK version (column <c>KekVersion</c>).</summary>
internal interface IKekWrappedRows
{
    string TableName { get; }

    /// <summary>Seals the row's value again under <paramref name="current"/>; false if the row changed meanwhile.</summary>
    Task<bool> RewrapAsync(TableEntity row, KeyEncryptionKey current, CancellationToken cancellationToken);
}
