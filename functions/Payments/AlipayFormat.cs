using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using Fulfilment.Orders;
using Fulfilment.Partners;

namespace Fulfilment.Payments;

/// <summary>
/// Alipay's asynchronous notifications (<c>POST /api/webhooks/{partnerId}/alipay</c>, a form). Verified before anything
/// is read: <c>sign_type</c> RSA2, and <c>sign</c> the base64 SHA256withRSA signature, under one of the partner's Alipay
/// public keys, of every other non-empty parameter (without <c>sign</c> and <c>sign_type</c>) sorted by name and joined
/// as <c>name=value&amp;…</c> with the values decoded, in the notification's <c>charset</c>. Then <c>app_id</c> and
/// <c>seller_id</c> must be the credential's; <c>TRADE_SUCCESS</c> and <c>TRADE_FINISHED</c> pay the order named by
/// <c>out_trade_no</c> with <c>total_amount</c> yuan; the payment's id is Alipay's <c>trade_no</c>. A notification with
/// <c>refund_fee</c> reverses that much of the payment (everything refunded so far).
/// </summary>
internal sealed partial class AlipayFormat : IPaymentNotificationFormat
{
    /// <summary>Domestic Alipay trades are in yuan.</summary>
    public const string Currency = "CNY";

    public string Route => "alipay";

    /// <summary>Alipay's notifications are one or two kilobytes.</summary>
    public int MaxBodyBytes => 32 * 1024;

    public NotificationReading Read(Partner? partner, NotificationRequest request, DateTimeOffset now)
    {
        var (fields, problem) = ReadForm(request.Body);
        if (fields is null)
        {
            // Not a form we can check a signature over: nothing in it can be trusted, so it is unverified.
            return NotificationReading.Unverified(new("invalid_signature", $"The notification cannot be verified: {problem}."));
        }

        if (!fields.TryGetValue("sign", out var sign) || sign.Length == 0 || !fields.TryGetValue("sign_type", out var signType))
        {
            return NotificationReading.Unverified(new("missing_signature", "sign and sign_type are required."));
        }

        if (signType != "RSA2")
        {
            return NotificationReading.Unverified(new("unsupported_sign_type", "Only sign_type RSA2 (SHA256withRSA) is accepted."));
        }

        var signed = SignedContent(fields, EncodingOf(fields));
        var credential = partner?.ActiveCredentials(PaymentProvider.Alipay, now).FirstOrDefault(c => RsaSignature.Verifies(c.PublicKeyPem, signed, sign));
        if (credential is null)
        {
            return NotificationReading.Unverified(new("invalid_signature", "sign does not verify with an active Alipay public key of this partner."));
        }

        return ReadVerified(fields, credential);
    }

    /// <summary>The content Alipay signs: the parameters but <c>sign</c> and <c>sign_type</c>, empty ones left out, sorted by name.</summary>
    public static byte[] SignedContent(IReadOnlyDictionary<string, string> fields, Encoding encoding) =>
        encoding.GetBytes(string.Join('&', fields
            .Where(f => f.Key is not ("sign" or "sign_type") && f.Value.Length > 0)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => $"{f.Key}={f.Value}")));

    private static NotificationReading ReadVerified(Dictionary<string, string> f, ProviderCredential credential)
    {
        string Field(string name) => f.GetValueOrDefault(name, "");
        if (Field("app_id") != credential.AppId)
        {
            return NotificationReading.Invalid(credential.Id, new("app_mismatch", "app_id is not the application this partner registered."));
        }

        if (Field("seller_id") != credential.SellerId)
        {
            return NotificationReading.Invalid(credential.Id, new("seller_mismatch", "seller_id is not the seller this partner registered."));
        }

        var (status, tradeNo, notifyId) = (Field("trade_status"), Field("trade_no"), Field("notify_id"));
        if (Field("refund_fee").Length > 0 || Field("gmt_refund").Length > 0)
        {
            return ReadRefund(f, credential);
        }

        if (status is not ("TRADE_SUCCESS" or "TRADE_FINISHED"))
        {
            return NotificationReading.Ignoring($"trade {tradeNo} is {status}, not paid", credential.Id);
        }

        var problems = TradeProblems(f, "total_amount", out var amount);
        if (problems.Count > 0)
        {
            return NotificationReading.Invalid(credential.Id, new("invalid_payload", "The Alipay notification is not valid.", problems));
        }

        return NotificationReading.Paid(
            new ProviderPayment(PaymentProvider.Alipay, notifyId, tradeNo, amount, Currency) { Reference = Field("out_trade_no") }, credential.Id);
    }

    /// <summary>A refund as Alipay reports it: <c>refund_fee</c> is everything refunded of the trade so far.</summary>
    private static NotificationReading ReadRefund(Dictionary<string, string> f, ProviderCredential credential)
    {
        string Field(string name) => f.GetValueOrDefault(name, "");
        var problems = TradeProblems(f, "refund_fee", out var refunded);
        if (problems.Count > 0)
        {
            return NotificationReading.Invalid(credential.Id, new("invalid_payload", "The Alipay refund notification is not valid.", problems));
        }

        return NotificationReading.Reversed(
            new PaymentReversal(PaymentProvider.Alipay, Field("notify_id"), ReversalKind.Refund, $"{Field("trade_no")}:refund:{Field("refund_fee")}", refunded, Cumulative: true, Currency)
            {
                Reference = Field("out_trade_no"),
                PaymentId = Field("trade_no"),
            },
            credential.Id);
    }

    /// <summary>What a trade's notification lacks (its ids), and its amount field as a positive amount in yuan (0 with a problem if it is not one).</summary>
    private static List<string> TradeProblems(Dictionary<string, string> f, string amountField, out decimal amount)
    {
        var problems = new[] { "notify_id", "trade_no", "out_trade_no" }.Where(name => f.GetValueOrDefault(name, "").Length == 0).Select(name => $"{name} is required").ToList();
        var text = f.GetValueOrDefault(amountField, "");
        if (!AmountPattern().IsMatch(text) || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount) || amount <= 0)
        {
            problems.Add($"{amountField} must be a positive amount in yuan with at most two decimals");
            amount = 0;
        }

        return problems;
    }

    /// <summary>
    /// The form's fields, values decoded in its <c>charset</c> (UTF-8 unless it names GBK or GB2312); null and why for a
    /// body that is not a form of distinct, named fields.
    /// </summary>
    private static (Dictionary<string, string>? Fields, string? Problem) ReadForm(byte[] body)
    {
        if (body.Any(b => b > 0x7F))
        {
            return (null, "the body must be URL-encoded ASCII");
        }

        var raw = Encoding.ASCII.GetString(body);
        var pairs = raw.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToList();
        if (pairs.Count == 0 || pairs.Any(p => p.Length != 2 || p[0].Length == 0))
        {
            return (null, "the body must be a form of name=value pairs");
        }

        var charset = pairs.FirstOrDefault(p => p[0] == "charset")?[1] ?? "utf-8";
        if (EncodingOf(charset) is not { } encoding)
        {
            return (null, $"charset '{charset}' is not utf-8, gbk or gb2312");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            if (!fields.TryAdd(HttpUtility.UrlDecode(pair[0], encoding), HttpUtility.UrlDecode(pair[1], encoding)))
            {
                return (null, $"the field {pair[0]} appears twice");
            }
        }

        return (fields, null);
    }

    private static Encoding EncodingOf(IReadOnlyDictionary<string, string> fields) => EncodingOf(fields.GetValueOrDefault("charset", "utf-8"))!;

    private static Encoding? EncodingOf(string charset) => charset.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(false, throwOnInvalidBytes: false),
        "gbk" or "gb2312" => CodePagesEncodingProvider.Instance.GetEncoding(936),
        _ => null,
    };

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?\z")]
    private static partial Regex AmountPattern();
}
