namespace Fulfilment.Contract;

/// <summary>How a WeChat Pay notification is told it failed (any 4xx or 5xx), as WeChat Pay expects: <c>{"code": "FAIL", "message"}</c>; WeChat Pay sends it again.</summary>
public sealed record WeChatPayFailure(string Code, string Message)
{
    public const string Fail = "FAIL";
}
