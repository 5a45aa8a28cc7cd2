using System.Security.Cryptography;
using System.Text;
using Fulfilment.Partners;
using Fulfilment.Payments;

namespace Fulfilment.Tests;

/// <summary>
/// WeChat Pay API v3 notifications, verified and opened. Keys are made here (an RSA 2048 platform key, a 32-byte APIv3
/// key); the notification is built as WeChat Pay's documentation shows it: its envelope and its decrypted transaction are
/// the documented samples (only <c>out_trade_no</c> is ours), sealed and signed with the BCL as the documentation
/// describes, independently of the format's own code.
/// </summary>
public sealed class WeChatPayFormatTests : IDisposable
{
    private const string Reference = "f0123456789abcdef0123456789abcde";
    private const string MerchantId = "1230000109";
    private const string Serial = "PUB_KEY_ID_0114232806872026032400001234";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    /// <summary>The decrypted transaction of WeChat Pay's payment-notification documentation, with our reference as out_trade_no.</summary>
    private const string DocumentedTransaction =
        "{\"transaction_id\":\"1217752501201407033233368018\",\"amount\":{\"payer_total\":100,\"total\":100,\"currency\":\"CNY\",\"pay" +
        "er_currency\":\"CNY\"},\"mchid\":\"1230000109\",\"trade_state\":\"SUCCESS\",\"bank_type\":\"CMC\",\"success_time\":\"2018-06-08T" +
        "10:34:56+08:00\",\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},\"out_trade_no\":\"f0123456789abcdef0123456789a" +
        "bcde\",\"appid\":\"wxd678efh567hg6787\",\"trade_state_desc\":\"支付成功\",\"trade_type\":\"MICROPAY\",\"attach\":\"自定义数据\",\"scene_i" +
        "nfo\":{\"device_id\":\"013467007045764\"}}";

    private readonly RSA platformKey = RSA.Create(2048);
    private readonly string apiV3Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)); // 32 characters
    private readonly WeChatPayFormat format = new();

    private Partner Shop(string? apiV3Key = null, string serial = Serial) => new("shop", "Shop", [])
    {
        ProviderCredentials =
        [
            new ProviderCredential("pcr_wx", PaymentProvider.WeChatPay, Now.AddDays(-1))
            {
                MerchantId = MerchantId, ApiV3Key = apiV3Key ?? this.apiV3Key, PublicKeySerial = serial, PublicKeyPem = platformKey.ExportSubjectPublicKeyInfoPem(),
            },
        ],
    };

    /// <summary>The documented envelope: id, create_time, resource_type, event_type, summary, and the sealed resource.</summary>
    private string Envelope(string plaintext, string eventType = "TRANSACTION.SUCCESS", string? key = null, Func<byte[], byte[]>? tamper = null)
    {
        const string nonce = "fdasflkja484";
        const string associatedData = "transaction";
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(Encoding.UTF8.GetBytes(key ?? apiV3Key), 16))
        {
            aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plain, cipher, tag, Encoding.UTF8.GetBytes(associatedData));
        }

        byte[] sealedBytes = [.. cipher, .. tag];
        sealedBytes = tamper?.Invoke(sealedBytes) ?? sealedBytes;
        return "{\"id\":\"EV-2018022511223320873\",\"create_time\":\"2015-05-20T13:29:35+08:00\",\"resource_type\":\"encrypt-resource\"," +
            $"\"event_type\":\"{eventType}\",\"summary\":\"支付成功\",\"resource\":{{\"original_type\":\"transaction\",\"algorithm\":\"AEAD_AES_256_GCM\"," +
            $"\"ciphertext\":\"{Convert.ToBase64String(sealedBytes)}\",\"associated_data\":\"{associatedData}\",\"nonce\":\"{nonce}\"}}}}";
    }

    private NotificationRequest Signed(string body, long? timestamp = null, string serial = Serial, string? signature = null, RSA? key = null)
    {
        var t = (timestamp ?? Now.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string nonce = "593BEC0C930BF1AFEB40B4A08C8FB242";
        var signed = Convert.ToBase64String((key ?? platformKey).SignData(Encoding.UTF8.GetBytes($"{t}\n{nonce}\n{body}\n"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Wechatpay-Timestamp"] = t, ["Wechatpay-Nonce"] = nonce, ["Wechatpay-Signature"] = signature ?? signed, ["Wechatpay-Serial"] = serial,
        };
        return new NotificationRequest(name => headers.GetValueOrDefault(name, ""), Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public void The_documented_payment_notification_pays_the_order_its_out_trade_no_names()
    {
        var reading = format.Read(Shop(), Signed(Envelope(DocumentedTransaction)), Now);

        Assert.Null(reading.Rejection);
        var payment = reading.Payment!;
        Assert.Equal(("wechatpay", "EV-2018022511223320873", "1217752501201407033233368018", Reference, 1.00m, "CNY"),
            (payment.Provider, payment.NotificationId, payment.PaymentId, payment.Reference, payment.Amount, payment.Currency));
        Assert.Equal("pcr_wx", reading.Credential);
    }

    [Fact]
    public void During_an_APIv3_key_rotation_either_key_opens_the_resource()
    {
        var newKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var shop = Shop();
        shop = shop with
        {
            ProviderCredentials = [.. shop.ProviderCredentials, shop.ProviderCredentials[0] with { Id = "pcr_wx2", ApiV3Key = newKey }],
        };

        Assert.Equal("pcr_wx", format.Read(shop, Signed(Envelope(DocumentedTransaction)), Now).Credential);
        Assert.Equal("pcr_wx2", format.Read(shop, Signed(Envelope(DocumentedTransaction, key: newKey)), Now).Credential);
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { "bad-signature", "invalid_signature" },
        { "signed-by-another-key", "invalid_signature" },
        { "tampered-body", "invalid_signature" },
        { "signature-probe", "signature_probe" },
        { "stale", "stale_timestamp" },
        { "future", "stale_timestamp" },
        { "unknown-serial", "unknown_serial" },
        { "unknown-partner", "unknown_serial" },
        { "missing-nonce", "missing_signature_headers" },
        { "timestamp-not-a-number", "invalid_timestamp" },
        { "signature-not-base64", "invalid_signature" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_notification_that_does_not_verify_is_refused_before_its_resource_is_opened(string name, string code)
    {
        var body = Envelope(DocumentedTransaction);
        using var otherKey = RSA.Create(2048);
        var request = name switch
        {
            "bad-signature" => Signed(body, signature: Convert.ToBase64String(new byte[256])),
            "signed-by-another-key" => Signed(body, key: otherKey),
            "tampered-body" => new NotificationRequest(Signed(body).Header, Encoding.UTF8.GetBytes(body.Replace("EV-2018", "EV-2019"))),
            "signature-probe" => Signed(body, signature: "WECHATPAY/SIGNTEST/" + Convert.ToBase64String(new byte[256])),
            "stale" => Signed(body, timestamp: Now.ToUnixTimeSeconds() - 301),
            "future" => Signed(body, timestamp: Now.ToUnixTimeSeconds() + 301),
            "unknown-serial" => Signed(body, serial: "PUB_KEY_ID_NOT_REGISTERED"),
            "missing-nonce" => new NotificationRequest(n => n == "Wechatpay-Nonce" ? "" : Signed(body).Header(n), Encoding.UTF8.GetBytes(body)),
            "timestamp-not-a-number" => new NotificationRequest(n => n == "Wechatpay-Timestamp" ? "soon" : Signed(body).Header(n), Encoding.UTF8.GetBytes(body)),
            "signature-not-base64" => Signed(body, signature: "not base64 at all!"),
            _ => Signed(body),
        };

        var reading = format.Read(name == "unknown-partner" ? null : Shop(), request, Now);

        Assert.Equal((code, null, null), (reading.Rejection?.Code, reading.Credential, reading.Payment));
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { "tampered-ciphertext", "undecryptable_resource" },
        { "tampered-tag", "undecryptable_resource" },
        { "wrong-apiv3-key", "undecryptable_resource" },
        { "other-merchant", "merchant_mismatch" },
        { "not-json", "invalid_payload" },
        { "no-amount", "invalid_payload" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_verified_notification_whose_resource_cannot_pay_an_order_is_invalid(string name, string code)
    {
        var body = name switch
        {
            "tampered-ciphertext" => Envelope(DocumentedTransaction, tamper: b => { b[0] ^= 1; return b; }),
            "tampered-tag" => Envelope(DocumentedTransaction, tamper: b => { b[^1] ^= 1; return b; }),
            "wrong-apiv3-key" => Envelope(DocumentedTransaction, key: Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            "other-merchant" => Envelope(DocumentedTransaction.Replace("\"mchid\":\"1230000109\"", "\"mchid\":\"1900000001\"")),
            "not-json" => "{\"id\":\"EV-1\",",
            "no-amount" => Envelope(DocumentedTransaction.Replace("\"amount\":", "\"amount_was\":")),
            "refund" => Envelope(DocumentedTransaction, eventType: "REFUND.SUCCESS"),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        var reading = format.Read(Shop(), Signed(body), Now);

        Assert.Equal((code, "pcr_wx", null), (reading.Rejection?.Code, reading.Credential, reading.Payment));
    }

    /// <summary>The decrypted refund of WeChat Pay's refund-notification documentation, with our merchant and reference.</summary>
    private const string DocumentedRefund =
        "{\"mchid\":\"1230000109\",\"transaction_id\":\"1008450740201411110005820873\",\"out_trade_no\":\"f0123456789abcdef0123456789abcde\"," +
        "\"refund_id\":\"50200207182018070300011301001\",\"out_refund_no\":\"7752501201407033233368018\",\"refund_status\":\"SUCCESS\"," +
        "\"success_time\":\"2018-06-08T10:34:56+08:00\",\"user_received_account\":\"招商银行信用卡0403\"," +
        "\"amount\":{\"total\":999,\"refund\":999,\"payer_total\":999,\"payer_refund\":999}}";

    [Fact]
    public void The_documented_refund_notification_reverses_this_refunds_amount_of_the_order()
    {
        var reading = format.Read(Shop(), Signed(Envelope(DocumentedRefund, eventType: "REFUND.SUCCESS")), Now);

        var r = reading.Reversal!;
        Assert.Equal(("refund", "50200207182018070300011301001", 9.99m, false, Reference, "1008450740201411110005820873"),
            (r.Kind, r.ReversalId, r.Amount, r.Cumulative, r.Reference, r.PaymentId));
        var abnormal = format.Read(Shop(), Signed(Envelope(DocumentedRefund.Replace("\"refund_status\":\"SUCCESS\"", "\"refund_status\":\"ABNORMAL\""), eventType: "REFUND.SUCCESS")), Now);
        Assert.Equal((null, null), (abnormal.Reversal, abnormal.Rejection));
        Assert.Null(format.Read(Shop(), Signed(Envelope(DocumentedRefund, eventType: "REFUND.ABNORMAL")), Now).Reversal);
    }

    [Theory]
    [InlineData("NOTPAY")]
    [InlineData("CLOSED")]
    public void A_transaction_that_is_not_paid_is_acknowledged_and_pays_nothing(string state)
    {
        var reading = format.Read(Shop(), Signed(Envelope(DocumentedTransaction.Replace("\"trade_state\":\"SUCCESS\"", $"\"trade_state\":\"{state}\""))), Now);

        Assert.Equal((null, null), (reading.Rejection, reading.Payment));
        Assert.Contains(state, reading.Ignored);
    }

    public void Dispose() => platformKey.Dispose();
}
