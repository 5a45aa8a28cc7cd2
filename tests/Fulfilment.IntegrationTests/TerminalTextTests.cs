using Fulfilment.Cli;

namespace Fulfilment.IntegrationTests;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("rejected: \u001b]0;pwned\u0007\u001b[2J", "rejected: \\u001b]0;pwned\\u0007\\u001b[2J")]
    [InlineData("line\rover", "line\\u000dover")]
    [InlineData("right-to-left \u202eevil", "right-to-left \\u202eevil")]
    [InlineData("plain 卡密 text\twith tab", "plain 卡密 text\twith tab")]
    public void Control_characters_from_the_app_are_shown_never_obeyed(string text, string shown) =>
        Assert.Equal(shown, TerminalText.Safe(text));
}
