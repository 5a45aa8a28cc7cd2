using System.Security.Cryptography;
using System.Text;
using System.Web;
using Fulfilment.Partners;
using Fulfilment.Payments;

namespace Fulfilment.Tests;

/// <summary>
/// Alipay asynchronous notifications, verified and read. The Alipay key pair (RSA 2048) is made here; the notification
/// is the documented sample of Alipay's asynchronous notification (its parameters and values; only out_trade_no and the
/// amounts are ours), signed as the documentation describes with the BCL, independently of the format's own code.
/// </summary>
public sealed class AlipayFormatTests : IDisposable
{
    private const string Reference = "f0123456789abcdef0123456789abcde";
    private const string AppId = "2015102700040153";
    private const string SellerId = "2088102119685838";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly RSA alipayKey = RSA.Create(2048);
    private readonly AlipayFormat format = new();

    private Partner Shop() => new("shop", "Shop", [])
    {
        ProviderCredentials =
        [
            new ProviderCredential("pcr_ali", PaymentProvider.Alipay, Now.AddDays(-1)) { AppId = AppId, SellerId = SellerId, PublicKeyPem = alipayKey.ExportSubjectPublicKeyInfoPem() },
        ],
    };

    /// <summary>The parameters of Alipay's documented asynchronous-notification sample.</summary>
    private static SortedDictionary<string, string> Documented(string totalAmount = "10.00") => new(StringComparer.Ordinal)
    {
        ["gmt_create"] = "2015-06-11 22:33:46",
        ["charset"] = "utf-8",
        ["seller_email"] = "zhuzhanghu@alitest.com",
        ["subject"] = "测试订单",
        ["buyer_id"] = "2088102122524333",
        ["invoice_amount"] = totalAmount,
        ["notify_id"] = "4a91b7a78a503640467525113fb7d8bg8e",
        ["fund_bill_list"] = "[{\"amount\":\"" + totalAmount + "\",\"fundChannel\":\"ALIPAYACCOUNT\"}]",
        ["notify_type"] = "trade_status_sync",
        ["trade_status"] = "TRADE_SUCCESS",
        ["receipt_amount"] = totalAmount,
        ["app_id"] = AppId,
        ["buyer_pay_amount"] = totalAmount,
        ["sign_type"] = "RSA2",
        ["seller_id"] = SellerId,
        ["gmt_payment"] = "2015-06-11 22:33:59",
        ["notify_time"] = "2015-06-11 22:34:03",
        ["version"] = "1.0",
        ["out_trade_no"] = Reference,
        ["total_amount"] = totalAmount,
        ["trade_no"] = "2015061121001004400068549373",
        ["auth_app_id"] = AppId,
        ["buyer_logon_id"] = "hu***@alipay.com",
        ["point_amount"] = "0.00",
        ["voucher_detail_list"] = "",
    };

    /// <summary>Signs the parameters as Alipay documents (all but sign and sign_type, empty ones out, sorted, name=value joined by &amp;) and URL-encodes the form.</summary>
    private NotificationRequest Form(IDictionary<string, string> fields, RSA? key = null, Func<string, string>? tamper = null, Encoding? encoding = null)
    {
        encoding ??= Encoding.UTF8;
        var content = string.Join("&", fields.Where(f => f.Key != "sign" && f.Key != "sign_type" && f.Value != "").OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value));
        var all = new Dictionary<string, string>(fields) { ["sign"] = Convert.ToBase64String((key ?? alipayKey).SignData(encoding.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)) };
        var body = string.Join("&", all.Select(f => HttpUtility.UrlEncode(f.Key, encoding) + "=" + HttpUtility.UrlEncode(f.Value, encoding)));
        return new NotificationRequest(_ => "", Encoding.ASCII.GetBytes(tamper?.Invoke(body) ?? body));
    }

    [Fact]
    public void The_documented_notification_pays_the_order_its_out_trade_no_names()
    {
        var reading = format.Read(Shop(), Form(Documented()), Now);

        Assert.Null(reading.Rejection);
        var payment = reading.Payment!;
        Assert.Equal(("alipay", "4a91b7a78a503640467525113fb7d8bg8e", "2015061121001004400068549373", Reference, 10.00m, "CNY"),
            (payment.Provider, payment.NotificationId, payment.PaymentId, payment.Reference, payment.Amount, payment.Currency));
        Assert.Equal("pcr_ali", reading.Credential);
    }

    [Fact]
    public void A_GBK_notification_is_verified_over_its_GBK_bytes()
    {
        var fields = Documented();
        fields["charset"] = "gbk";

        var reading = format.Read(Shop(), Form(fields, encoding: CodePagesEncodingProvider.Instance.GetEncoding(936)), Now);

        Assert.Equal(("pcr_ali", Reference), (reading.Credential, reading.Payment?.Reference));
    }

    [Fact]
    public void TRADE_FINISHED_is_the_same_trade_and_WAIT_BUYER_PAY_pays_nothing()
    {
        var finished = Documented();
        finished["trade_status"] = "TRADE_FINISHED";
        var waiting = Documented();
        waiting["trade_status"] = "WAIT_BUYER_PAY";

        Assert.Equal("2015061121001004400068549373", format.Read(Shop(), Form(finished), Now).Payment!.PaymentId);
        var ignored = format.Read(Shop(), Form(waiting), Now);
        Assert.Equal((null, null), (ignored.Payment, ignored.Rejection));
        Assert.Contains("WAIT_BUYER_PAY", ignored.Ignored);
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { "signed-by-another-key", "invalid_signature" },
        { "tampered-amount", "invalid_signature" },
        { "unknown-partner", "invalid_signature" },
        { "no-sign", "missing_signature" },
        { "rsa1", "unsupported_sign_type" },
        { "field-twice", "invalid_signature" },
        { "not-a-form", "invalid_signature" },
        { "unknown-charset", "invalid_signature" },
        { "raw-utf8", "invalid_signature" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_notification_that_does_not_verify_is_refused_before_it_is_read(string name, string code)
    {
        using var otherKey = RSA.Create(2048);
        var fields = Documented();
        NotificationRequest request = name switch
        {
            "signed-by-another-key" => Form(fields, otherKey),
            "tampered-amount" => Form(fields, tamper: body => body.Replace("total_amount=10.00", "total_amount=0.01")),
            "no-sign" => new NotificationRequest(_ => "", Encoding.ASCII.GetBytes(string.Join("&", fields.Select(f => f.Key + "=" + HttpUtility.UrlEncode(f.Value))))),
            "rsa1" => Form(new Dictionary<string, string>(fields) { ["sign_type"] = "RSA" }),
            "field-twice" => Form(fields, tamper: body => body + "&total_amount=0.01"),
            "not-a-form" => new NotificationRequest(_ => "", "{\"trade_status\":\"TRADE_SUCCESS\"}"u8.ToArray()),
            "unknown-charset" => Form(new Dictionary<string, string>(fields) { ["charset"] = "latin1" }),
            "raw-utf8" => new NotificationRequest(_ => "", Encoding.UTF8.GetBytes("subject=测试&" + Encoding.ASCII.GetString(Form(fields).Body))),
            _ => Form(fields),
        };

        var reading = format.Read(name == "unknown-partner" ? null : Shop(), request, Now);

        Assert.Equal((code, null, null), (reading.Rejection?.Code, reading.Credential, reading.Payment));
    }

    public static TheoryData<string, string, string> Invalid() => new()
    {
        { "app_id", "2021000000000000", "app_mismatch" },
        { "seller_id", "2088000000000000", "seller_mismatch" },
        { "total_amount", "10.001", "invalid_payload" },
        { "total_amount", "-1", "invalid_payload" },
        { "trade_no", "", "invalid_payload" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_verified_notification_that_cannot_pay_an_order_is_invalid(string field, string value, string code)
    {
        var fields = Documented();
        fields[field] = value;

        var reading = format.Read(Shop(), Form(fields), Now);

        Assert.Equal((code, "pcr_ali", null), (reading.Rejection?.Code, reading.Credential, reading.Payment));
    }

    [Fact]
    public void A_refund_notification_reverses_everything_refunded_of_the_trade_so_far()
    {
        var fields = Documented();
        fields["refund_fee"] = "4.00";
        fields["gmt_refund"] = "2015-06-12 10:00:00.123";
        fields["out_biz_no"] = "refund-1";

        var r = format.Read(Shop(), Form(fields), Now).Reversal!;

        Assert.Equal(("refund", "2015061121001004400068549373:refund:4.00", 4.00m, true, Reference, "2015061121001004400068549373"),
            (r.Kind, r.ReversalId, r.Amount, r.Cumulative, r.Reference, r.PaymentId));
    }

    public void Dispose() => alipayKey.Dispose();
}
