using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Orders;

/// <summary>
/// The reference an opened order is paid under: what the partner hands the payment provider (WeChat Pay's and
/// Alipay's <c>out_trade_no</c>, Stripe's <c>client_reference_id</c> or metadata) and what the provider's notification
/// names. It fits every provider's rules (32 lowercase letters and digits) and is the same every time an order is
/// opened again. The index maps it back to its partner and order; a reference is only ever looked up for the partner
/// whose credentials verified the notification, so one partner's notification cannot name another's order.
/// </summary>
internal sealed class PaymentReferences(TableServiceClient tables)
{
    public const int Length = 32;
    private const string Row = "reference";
    private readonly TableClient table = tables.GetTableClient(TableNames.PaymentReferences);

    public static string For(string partnerId, string orderId) =>
        "f" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"payment-reference|v1|{partnerId}|{orderId}")))[..(Length - 1)];

    /// <summary>True for text shaped like a reference (so anything else is not even looked up).</summary>
    public static bool IsWellFormed(string? reference) =>
        reference is { Length: Length } && reference[0] == 'f' && reference.Skip(1).All(char.IsAsciiHexDigitLower);

    /// <summary>Records the order's reference (idempotent: it is derived from the order).</summary>
    public Task AddAsync(string partnerId, string orderId, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(
            new TableEntity(For(partnerId, orderId), Row) { ["PartnerId"] = partnerId, ["OrderId"] = orderId },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Records which order a provider's payment paid, so that its refunds and disputes (which may name only the payment) find it.</summary>
    public Task AddPaymentAsync(string partnerId, string orderId, string provider, string paymentId, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(
            new TableEntity(PaymentKey(provider, paymentId), Row) { ["PartnerId"] = partnerId, ["OrderId"] = orderId },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>The order of <paramref name="partnerId"/> that the provider's payment paid; null when none (or another partner's).</summary>
    public async Task<string?> FindOrderByPaymentAsync(string partnerId, string provider, string paymentId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PaymentKey(provider, paymentId), Row, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString("PartnerId") == partnerId ? row.Value.GetString("OrderId") : null;
    }

    /// <summary>Payment ids are the provider's text: hashed into a key that is always valid and never a reference.</summary>
    private static string PaymentKey(string provider, string paymentId) =>
        "p" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"provider-payment|v1|{provider}|{paymentId}")))[..(Length - 1)];

    /// <summary>The order of <paramref name="partnerId"/> paid under <paramref name="reference"/>; null when there is none, or it is another partner's.</summary>
    public async Task<string?> FindOrderAsync(string partnerId, string reference, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(reference))
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(reference, Row, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString("PartnerId") == partnerId ? row.Value.GetString("OrderId") : null;
    }
}
