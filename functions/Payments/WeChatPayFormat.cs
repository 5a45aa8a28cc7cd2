using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fulfilment.Catalogue;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Serialization;

namespace Fulfilment.Payments;

/// <summary>
/// WeChat Pay API v3 notifications (<c>POST /api/webhooks/{partnerId}/wechatpay</c>). Verified before anything is read:
/// <c>Wechatpay-Signature</c> is SHA256withRSA over <c>{Wechatpay-Timestamp}\n{Wechatpay-Nonce}\n{body}\n</c> with the
/// WeChat Pay public key (or platform certificate) the partner registered under the serial <c>Wechatpay-Serial</c> names;
/// the timestamp must be within 5 minutes; a signature-probe request (<c>WECHATPAY/SIGNTEST/…</c>) is refused. Then the
/// <c>resource</c> is opened with AEAD_AES_256_GCM under the APIv3 key, its nonce and associated data. A
/// <c>TRANSACTION.SUCCESS</c> whose transaction is <c>trade_state</c> SUCCESS, of the credential's merchant, pays the order
/// named by <c>out_trade_no</c> with <c>amount.total</c> fen (minor units) in <c>amount.currency</c>; the payment's id is
/// WeChat Pay's <c>transaction_id</c>. A <c>REFUND.SUCCESS</c> reverses <c>amount.refund</c> fen of that order's payment.
/// </summary>
internal sealed class WeChatPayFormat : IPaymentNotificationFormat
{
    public const string TimestampHeader = "Wechatpay-Timestamp";
    public const string NonceHeader = "Wechatpay-Nonce";
    public const string SignatureHeader = "Wechatpay-Signature";
    public const string SerialHeader = "Wechatpay-Serial";
    public const string SignatureProbePrefix = "WECHATPAY/SIGNTEST/";
    public const int ToleranceSeconds = 300;

    public string Route => "wechatpay";

    /// <summary>WeChat Pay's notifications are about a kilobyte.</summary>
    public int MaxBodyBytes => 64 * 1024;

    public NotificationReading Read(Partner? partner, NotificationRequest request, DateTimeOffset now)
    {
        var (timestamp, nonce, signature, serial) =
            (request.Header(TimestampHeader), request.Header(NonceHeader), request.Header(SignatureHeader), request.Header(SerialHeader));
        if (timestamp.Length == 0 || nonce.Length == 0 || signature.Length == 0 || serial.Length == 0)
        {
            return NotificationReading.Unverified(new("missing_signature_headers", $"{TimestampHeader}, {NonceHeader}, {SignatureHeader} and {SerialHeader} are required."));
        }

        if (signature.StartsWith(SignatureProbePrefix, StringComparison.Ordinal))
        {
            // WeChat Pay checks that merchants verify signatures by sending deliberately wrong ones: refuse, touch nothing.
            return NotificationReading.Unverified(new("signature_probe", "A signature-probe request is refused, as every unverifiable notification is."));
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return NotificationReading.Unverified(new("invalid_timestamp", $"{TimestampHeader} must be whole seconds since the Unix epoch."));
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > ToleranceSeconds)
        {
            return NotificationReading.Unverified(new("stale_timestamp", $"{TimestampHeader} is more than {ToleranceSeconds} seconds away from now."));
        }

        var candidates = partner?.ActiveCredentials(PaymentProvider.WeChatPay, now).Where(c => c.PublicKeySerial == serial).ToList() ?? [];
        if (candidates.Count == 0)
        {
            return NotificationReading.Unverified(new("unknown_serial", $"No active WeChat Pay public key of this partner has the serial {SerialHeader} names."));
        }

        byte[] signed = [.. Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n"), .. request.Body, (byte)'\n'];
        var verifying = candidates.Where(c => RsaSignature.Verifies(c.PublicKeyPem, signed, signature)).ToList();
        if (verifying.Count == 0)
        {
            return NotificationReading.Unverified(new("invalid_signature", $"{SignatureHeader} does not verify with the WeChat Pay public key of that serial."));
        }

        return ReadVerified(request.Body, verifying);
    }

    /// <summary>The signed body: its envelope, then its resource opened with the APIv3 key of one of the verifying credentials.</summary>
    private static NotificationReading ReadVerified(byte[] body, List<ProviderCredential> verifying)
    {
        var credential = verifying[0].Id;
        if (!StrictJson.TryReadObject(body, out var document, out var unreadable))
        {
            return NotificationReading.Invalid(credential, Invalid([unreadable!]));
        }

        using (document)
        {
            var root = document!.RootElement;
            var problems = new List<string>();
            var id = StrictJson.Text(root, "", "id", problems, required: true);
            var eventType = StrictJson.Text(root, "", "event_type", problems, required: true);
            if (problems.Count > 0)
            {
                return NotificationReading.Invalid(credential, Invalid(problems));
            }

            if (eventType is not ("TRANSACTION.SUCCESS" or "REFUND.SUCCESS"))
            {
                return NotificationReading.Ignoring($"{eventType} {id} is not a notification we act on", credential);
            }

            if (!root.TryGetProperty("resource", out var resource) || resource.ValueKind != JsonValueKind.Object)
            {
                return NotificationReading.Invalid(credential, Invalid(["resource must be an object"]));
            }

            var algorithm = StrictJson.Text(resource, "resource.", "algorithm", problems, required: true);
            var ciphertext = StrictJson.Text(resource, "resource.", "ciphertext", problems, required: true);
            var resourceNonce = StrictJson.Text(resource, "resource.", "nonce", problems, required: true);
            var associatedData = StrictJson.Text(resource, "resource.", "associated_data", problems, required: false) ?? "";
            if (algorithm is not null && algorithm != "AEAD_AES_256_GCM") problems.Add("resource.algorithm must be AEAD_AES_256_GCM");
            if (resourceNonce is not null && Encoding.UTF8.GetByteCount(resourceNonce) != 12) problems.Add("resource.nonce must be 12 bytes");
            if (problems.Count > 0)
            {
                return NotificationReading.Invalid(credential, Invalid(problems));
            }

            foreach (var candidate in verifying)
            {
                if (Open(candidate.ApiV3Key, ciphertext!, resourceNonce!, associatedData) is { } plaintext)
                {
                    return eventType == "REFUND.SUCCESS" ? ReadRefund(id!, plaintext, candidate) : ReadTransaction(id!, plaintext, candidate);
                }
            }

            return NotificationReading.Invalid(credential, new("undecryptable_resource",
                "The resource does not open with the APIv3 key: its ciphertext or tag was altered, or the key is not the one registered."));
        }
    }

    /// <summary>AEAD_AES_256_GCM as WeChat Pay uses it: the ciphertext ends with the 16-byte tag; null when it does not open.</summary>
    private static byte[]? Open(string? apiV3Key, string ciphertext, string nonce, string associatedData)
    {
        var sealedBytes = new byte[ciphertext.Length];
        if (apiV3Key is null || !Convert.TryFromBase64String(ciphertext, sealedBytes, out var length) || length < AesGcm.TagByteSizes.MaxSize)
        {
            return null;
        }

        var tagAt = length - AesGcm.TagByteSizes.MaxSize;
        var plaintext = new byte[tagAt];
        using var aes = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), AesGcm.TagByteSizes.MaxSize);
        try
        {
            aes.Decrypt(Encoding.UTF8.GetBytes(nonce), sealedBytes.AsSpan(0, tagAt), sealedBytes.AsSpan(tagAt, AesGcm.TagByteSizes.MaxSize), plaintext, Encoding.UTF8.GetBytes(associatedData));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static NotificationReading ReadTransaction(string notificationId, byte[] plaintext, ProviderCredential credential)
    {
        if (!StrictJson.TryReadObject(plaintext, out var document, out var unreadable))
        {
            return NotificationReading.Invalid(credential.Id, Invalid([$"the transaction: {unreadable}"]));
        }

        using (document)
        {
            var transaction = document!.RootElement;
            var problems = new List<string>();
            var merchant = StrictJson.Text(transaction, "transaction.", "mchid", problems, required: true);
            var reference = StrictJson.Text(transaction, "transaction.", "out_trade_no", problems, required: true);
            var transactionId = StrictJson.Text(transaction, "transaction.", "transaction_id", problems, required: true);
            var state = StrictJson.Text(transaction, "transaction.", "trade_state", problems, required: true);
            long total = 0;
            string? currency = null;
            if (!transaction.TryGetProperty("amount", out var amount) || amount.ValueKind != JsonValueKind.Object)
            {
                problems.Add("transaction.amount must be an object");
            }
            else
            {
                if (!amount.TryGetProperty("total", out var t) || t.ValueKind != JsonValueKind.Number || !t.TryGetInt64(out total) || total <= 0)
                {
                    problems.Add("transaction.amount.total must be a positive whole number of fen");
                }

                currency = StrictJson.Text(amount, "transaction.amount.", "currency", problems, required: true);
                if (currency is not null && !CurrencyCode.IsValid(currency)) problems.Add("transaction.amount.currency must be a three-letter ISO 4217 code");
            }

            if (problems.Count > 0)
            {
                return NotificationReading.Invalid(credential.Id, Invalid(problems));
            }

            if (merchant != credential.MerchantId)
            {
                return NotificationReading.Invalid(credential.Id, new("merchant_mismatch", "The transaction is not of the merchant this partner registered."));
            }

            if (state != "SUCCESS")
            {
                return NotificationReading.Ignoring($"transaction {transactionId} is {state}, not paid", credential.Id);
            }

            return NotificationReading.Paid(
                new ProviderPayment(PaymentProvider.WeChatPay, notificationId, transactionId!, Money.FromMinorUnits(total, currency!), currency!) { Reference = reference! },
                credential.Id);
        }
    }

    /// <summary>A refund that succeeded: <c>amount.refund</c> fen of the transaction <c>out_trade_no</c> names, this refund's alone.</summary>
    private static NotificationReading ReadRefund(string notificationId, byte[] plaintext, ProviderCredential credential)
    {
        if (!StrictJson.TryReadObject(plaintext, out var document, out var unreadable))
        {
            return NotificationReading.Invalid(credential.Id, Invalid([$"the refund: {unreadable}"]));
        }

        using (document)
        {
            var refund = document!.RootElement;
            var problems = new List<string>();
            var merchant = StrictJson.Text(refund, "refund.", "mchid", problems, required: true);
            var reference = StrictJson.Text(refund, "refund.", "out_trade_no", problems, required: true);
            var transactionId = StrictJson.Text(refund, "refund.", "transaction_id", problems, required: true);
            var refundId = StrictJson.Text(refund, "refund.", "refund_id", problems, required: true);
            var status = StrictJson.Text(refund, "refund.", "refund_status", problems, required: true);
            long fen = 0;
            if (!refund.TryGetProperty("amount", out var amount) || amount.ValueKind != JsonValueKind.Object
                || !amount.TryGetProperty("refund", out var r) || r.ValueKind != JsonValueKind.Number || !r.TryGetInt64(out fen) || fen <= 0)
            {
                problems.Add("refund.amount.refund must be a positive whole number of fen");
            }

            if (problems.Count > 0)
            {
                return NotificationReading.Invalid(credential.Id, Invalid(problems));
            }

            if (merchant != credential.MerchantId)
            {
                return NotificationReading.Invalid(credential.Id, new("merchant_mismatch", "The refund is not of the merchant this partner registered."));
            }

            if (status != "SUCCESS")
            {
                return NotificationReading.Ignoring($"refund {refundId} is {status}: no money went back", credential.Id);
            }

            // WeChat Pay refunds are in the transaction's currency; its refund notification names none, so CNY, as its amounts are fen.
            return NotificationReading.Reversed(
                new PaymentReversal(PaymentProvider.WeChatPay, notificationId, ReversalKind.Refund, refundId!, Money.FromMinorUnits(fen, "CNY"), Cumulative: false, "CNY")
                {
                    Reference = reference,
                    PaymentId = transactionId,
                },
                credential.Id);
        }
    }

    private static NotificationRejection Invalid(IReadOnlyList<string> problems) => new("invalid_payload", "The WeChat Pay notification is not valid.", problems);
}
