using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Web;

namespace Fulfilment.Local;

/// <summary>
/// Alipay's side of asynchronous notifications, as its documentation describes them, for tests and the demo: an Alipay
/// RSA key pair (2048 bits) that signs (RSA2) every parameter but <c>sign</c> and <c>sign_type</c>, non-empty, sorted by
/// name, joined as <c>name=value&amp;…</c>; posted as a URL-encoded form.
/// </summary>
public sealed class AlipayPlatform : IDisposable
{
    private readonly RSA alipayKey = RSA.Create(2048);

    public string AppId { get; } = "2021" + RandomDigits(12);

    public string SellerId { get; } = "2088" + RandomDigits(12);

    /// <summary>The Alipay public key as the open platform shows it: bare base64.</summary>
    public string PublicKey => Convert.ToBase64String(alipayKey.ExportSubjectPublicKeyInfo());

    /// <summary>A trade-status notification's parameters, as Alipay's documented sample has them.</summary>
    public Dictionary<string, string> TradeNotification(string outTradeNo, decimal totalAmount, string tradeStatus = "TRADE_SUCCESS", string? tradeNo = null)
    {
        var amount = totalAmount.ToString("0.00", CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["gmt_create"] = now,
            ["charset"] = "utf-8",
            ["subject"] = "订单 " + outTradeNo,
            ["buyer_id"] = "2088" + RandomDigits(12),
            ["invoice_amount"] = amount,
            ["notify_id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(17)),
            ["notify_type"] = "trade_status_sync",
            ["trade_status"] = tradeStatus,
            ["receipt_amount"] = amount,
            ["app_id"] = AppId,
            ["buyer_pay_amount"] = amount,
            ["sign_type"] = "RSA2",
            ["seller_id"] = SellerId,
            ["gmt_payment"] = now,
            ["notify_time"] = now,
            ["version"] = "1.0",
            ["out_trade_no"] = outTradeNo,
            ["total_amount"] = amount,
            ["trade_no"] = tradeNo ?? DateTimeOffset.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "22001" + RandomDigits(15),
            ["auth_app_id"] = AppId,
            ["buyer_logon_id"] = "159****5620",
            ["point_amount"] = "0.00",
        };
    }

    /// <summary>The form body, signed (with another key when <paramref name="key"/> is given).</summary>
    public string Form(IReadOnlyDictionary<string, string> fields, RSA? key = null)
    {
        var content = string.Join('&', fields.Where(f => f.Key is not ("sign" or "sign_type") && f.Value.Length > 0)
            .OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
        var sign = Convert.ToBase64String((key ?? alipayKey).SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return string.Join('&', fields.Append(new("sign", sign)).Select(f => $"{HttpUtility.UrlEncode(f.Key)}={HttpUtility.UrlEncode(f.Value)}"));
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, string partnerId, string form, CancellationToken cancellationToken = default) =>
        await http.PostAsync($"api/webhooks/{partnerId}/alipay",
            new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"), cancellationToken);

    public void Dispose() => alipayKey.Dispose();

    private static string RandomDigits(int length) => string.Concat(Enumerable.Range(0, length).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
}
