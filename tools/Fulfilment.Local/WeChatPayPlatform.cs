using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Fulfilment.Local;

/// <summary>
/// WeChat Pay's side of API v3 notifications, built as its documentation describes them, for tests and the demo: a
/// platform RSA key pair (2048 bits) with its serial that signs <c>{timestamp}\n{nonce}\n{body}\n</c>, and the merchant's
/// 32-byte APIv3 key that seals the <c>resource</c> with AEAD_AES_256_GCM (the ciphertext followed by the 16-byte tag, base64).
/// </summary>
public sealed class WeChatPayPlatform : IDisposable
{
    private readonly RSA platformKey = RSA.Create(2048);

    public WeChatPayPlatform(string merchantId = "1230000109")
    {
        MerchantId = merchantId;
        ApiV3Key = RandomText(32);
        Serial = "PUB_KEY_ID_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    }

    public string MerchantId { get; }

    public string ApiV3Key { get; }

    public string Serial { get; }

    /// <summary>The WeChat Pay public key as the merchant platform shows it (PEM).</summary>
    public string PublicKeyPem => platformKey.ExportSubjectPublicKeyInfoPem();

    /// <summary>The transaction a successful payment notification carries, shaped as in WeChat Pay's documentation.</summary>
    public JsonObject Transaction(string outTradeNo, long totalFen, string currency = "CNY", string tradeState = "SUCCESS", string? transactionId = null, string? merchantId = null) => new()
    {
        ["mchid"] = merchantId ?? MerchantId,
        ["appid"] = "wxd678efh567hg6787",
        ["out_trade_no"] = outTradeNo,
        ["transaction_id"] = transactionId ?? "42000" + RandomDigits(23),
        ["trade_type"] = "JSAPI",
        ["trade_state"] = tradeState,
        ["trade_state_desc"] = "支付成功",
        ["bank_type"] = "CMC",
        ["attach"] = "",
        ["success_time"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["payer"] = new JsonObject { ["openid"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
        ["amount"] = new JsonObject { ["total"] = totalFen, ["payer_total"] = totalFen, ["currency"] = currency, ["payer_currency"] = currency },
    };

    /// <summary>A successful refund as a refund notification carries it, shaped as in WeChat Pay's documentation.</summary>
    public JsonObject Refund(string outTradeNo, string transactionId, long refundFen, long totalFen, string? refundId = null) => new()
    {
        ["mchid"] = MerchantId,
        ["transaction_id"] = transactionId,
        ["out_trade_no"] = outTradeNo,
        ["refund_id"] = refundId ?? "50300" + RandomDigits(24),
        ["out_refund_no"] = "refund-" + RandomDigits(10),
        ["refund_status"] = "SUCCESS",
        ["success_time"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["user_received_account"] = "招商银行信用卡0403",
        ["amount"] = new JsonObject { ["total"] = totalFen, ["refund"] = refundFen, ["payer_total"] = totalFen, ["payer_refund"] = refundFen },
    };

    /// <summary>The notification body: the envelope around the resource sealed under <paramref name="apiV3Key"/> (the platform's by default).</summary>
    public string Notification(JsonObject resource, string eventType = "TRANSACTION.SUCCESS", string originalType = "transaction", string? id = null, string? apiV3Key = null)
    {
        var nonce = RandomText(12);
        var associatedData = originalType;
        var plaintext = Encoding.UTF8.GetBytes(resource.ToJsonString());
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key ?? ApiV3Key), 16))
        {
            aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(associatedData));
        }

        return new JsonObject
        {
            ["id"] = id ?? Guid.NewGuid().ToString(),
            ["create_time"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = eventType,
            ["summary"] = eventType == "TRANSACTION.SUCCESS" ? "支付成功" : "退款成功",
            ["resource"] = new JsonObject
            {
                ["original_type"] = originalType,
                ["algorithm"] = "AEAD_AES_256_GCM",
                ["ciphertext"] = Convert.ToBase64String([.. ciphertext, .. tag]),
                ["associated_data"] = associatedData,
                ["nonce"] = nonce,
            },
        }.ToJsonString();
    }

    /// <summary>The four headers WeChat Pay sends: timestamp, nonce, the base64 SHA256withRSA signature, and the key's serial.</summary>
    public IReadOnlyDictionary<string, string> Headers(string body, DateTimeOffset? at = null, string? serial = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = RandomText(32);
        var signature = platformKey.SignData(Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n{body}\n"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new Dictionary<string, string>
        {
            ["Wechatpay-Timestamp"] = timestamp,
            ["Wechatpay-Nonce"] = nonce,
            ["Wechatpay-Signature"] = Convert.ToBase64String(signature),
            ["Wechatpay-Serial"] = serial ?? Serial,
            ["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048",
        };
    }

    /// <summary>Posts the notification to the partner's WeChat Pay route with <paramref name="headers"/> (signed ones by default).</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, string partnerId, string body, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/{partnerId}/wechatpay")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    public void Dispose() => platformKey.Dispose();

    private static string RandomText(int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[RandomNumberGenerator.GetInt32(62)]));

    private static string RandomDigits(int length) => string.Concat(Enumerable.Range(0, length).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
}
