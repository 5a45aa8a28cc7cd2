using System.Text;
using Fulfilment.Webhooks;

namespace Fulfilment.Tests;

public sealed class StandardWebhookTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string OtherSecret = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM=";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1614265330);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Sign_matches_the_specification_example()
    {
        // The worked example of the Standard Webhooks specification.
        var header = StandardWebhook.SignatureHeaderValue(Secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", Body);
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", header);
    }

    [Fact]
    public void Verify_accepts_a_valid_signature() =>
        Assert.Equal(SignatureFailure.None, Verify([Secret], Signed(Secret)));

    [Fact]
    public void Verify_accepts_any_listed_signature_under_any_active_secret()
    {
        var header = $"v1,{Convert.ToBase64String(new byte[32])} {Signed(OtherSecret)}";
        Assert.Equal(SignatureFailure.None, Verify([Secret, OtherSecret], header));
    }

    [Fact]
    public void Verify_rejects_a_signature_under_a_secret_that_is_not_active() =>
        Assert.Equal(SignatureFailure.NoMatchingSignature, Verify([Secret], Signed(OtherSecret)));

    [Fact]
    public void Verify_honours_only_v1()
    {
        var v2 = Signed(Secret).Replace("v1,", "v2,", StringComparison.Ordinal);
        Assert.Equal(SignatureFailure.NoMatchingSignature, Verify([Secret], v2));
    }

    [Fact]
    public void Verify_rejects_a_changed_body()
    {
        var changed = Encoding.UTF8.GetBytes("""{"test": 2432232315}""");
        Assert.Equal(SignatureFailure.NoMatchingSignature,
            StandardWebhook.Verify([Secret], "msg_1", "1614265330", Signed(Secret), changed, Now, Tolerance));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Verify_rejects_a_timestamp_more_than_five_minutes_away(int offsetSeconds)
    {
        var timestamp = (Now.ToUnixTimeSeconds() + offsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var header = StandardWebhook.SignatureHeaderValue(Secret, "msg_1", timestamp, Body);
        Assert.Equal(SignatureFailure.StaleTimestamp, StandardWebhook.Verify([Secret], "msg_1", timestamp, header, Body, Now, Tolerance));
    }

    [Theory]
    [InlineData(null, "1614265330")]
    [InlineData("msg_1", null)]
    [InlineData("msg_1", "")]
    public void Verify_rejects_missing_headers(string? id, string? timestamp) =>
        Assert.Equal(SignatureFailure.MissingHeaders, StandardWebhook.Verify([Secret], id, timestamp, Signed(Secret), Body, Now, Tolerance));

    [Theory]
    [InlineData("1614265330.5")]
    [InlineData("-1614265330")]
    [InlineData("soon")]
    public void Verify_rejects_a_timestamp_that_is_not_whole_seconds(string timestamp) =>
        Assert.Equal(SignatureFailure.InvalidTimestamp, StandardWebhook.Verify([Secret], "msg_1", timestamp, "v1,abc", Body, Now, Tolerance));

    [Theory]
    [InlineData("v1,not-base64!")]
    [InlineData("v1")]
    [InlineData(",,,")]
    public void Verify_rejects_malformed_signatures(string header) =>
        Assert.Equal(SignatureFailure.NoMatchingSignature, Verify([Secret], header));

    private static string Signed(string secret) => StandardWebhook.SignatureHeaderValue(secret, "msg_1", "1614265330", Body);

    private static SignatureFailure Verify(string[] secrets, string header) =>
        StandardWebhook.Verify(secrets, "msg_1", "1614265330", header, Body, Now, Tolerance);
}
