using Fulfilment.Catalogue;

namespace Fulfilment.Tests;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("30", "CNY", "30.00")]
    [InlineData("1.5", "USD", "1.50")]
    [InlineData("500", "JPY", "500")]
    [InlineData("1.005", "KWD", "1.005")]
    [InlineData("0.0001", "CLF", "0.0001")]
    public void Format_writes_exactly_the_currencys_minor_units(string amount, string currency, string expected) =>
        Assert.Equal(expected, Money.Format(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency));

    [Theory]
    [InlineData("1.00005", "USD")]
    [InlineData("1.001", "CNY")]
    [InlineData("500.5", "JPY")]
    [InlineData("50.0000000000000000000000001", "CNY")]
    public void An_amount_finer_than_the_currency_is_refused_never_rounded(string amount, string currency)
    {
        var value = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Money.IsExact(value, currency));
        Assert.Throws<ArgumentException>(() => Money.Format(value, currency));
    }
}
