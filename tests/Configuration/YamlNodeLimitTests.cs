using Apollo.Configuration;

namespace Apollo.Configuration.Tests;

public sealed class YamlNodeLimitTests
{
    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    public void Nesting_50000_deep_is_a_config_error_not_a_stack_overflow(string open, string close)
    {
        var text = string.Concat(Enumerable.Repeat(open, 50_000)) + "1" + string.Concat(Enumerable.Repeat(close, 50_000));
        var e = Assert.Throws<ConfigException>(() => YamlNode.Parse(text, "deep.yaml"));
        Assert.Contains($"deeper than {YamlNode.MaxDepth} levels", e.Message);
        Assert.StartsWith("deep.yaml:1: ", e.Message);
    }

    [Fact]
    public void Block_style_nesting_is_limited_too()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i) + "k:\n")) + new string(' ', 200) + "1\n";
        Assert.Contains("deeper than", Assert.Throws<ConfigException>(() => YamlNode.Parse(text, "deep.yaml")).Message);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var depth = YamlNode.MaxDepth;
        var text = string.Concat(Enumerable.Repeat("[", depth)) + "1" + string.Concat(Enumerable.Repeat("]", depth));
        var node = YamlNode.Parse(text, "ok.yaml");
        Assert.True(node.IsSequence);
        var over = "[" + text + "]";
        Assert.Throws<ConfigException>(() => YamlNode.Parse(over, "over.yaml"));
    }

    [Theory]
    [InlineData("? [a, b]\n: 1\n")]
    [InlineData("? {a: 1}\n: 1\n")]
    [InlineData("x: &k [a]\n? *k\n: 1\n")]
    [InlineData("outer:\n  ? [a]\n  : 1\n")]
    [InlineData("- {[a]: 1}\n")]
    public void A_key_that_is_not_plain_text_is_a_config_error(string text)
    {
        var e = Assert.Throws<ConfigException>(() => YamlNode.Parse(text, "keys.yaml"));
        Assert.Contains("a key must be plain text", e.Message);
    }

    [Fact]
    public void Collections_as_values_and_nested_mappings_still_parse()
    {
        var root = YamlNode.Parse("a: [1, {b: 2}]\nc:\n  d: [x, y]\n  e: {f: g}\nh: 3\n", "ok.yaml");
        Assert.Equal(["a", "c", "h"], root.Keys);
        Assert.Equal(2, root.Get("a").Items()[1].GetInt("b"));
        Assert.Equal("g", root.Get("c").Get("e").GetString("f"));
        Assert.Equal(3, root.GetInt("h"));
    }

    [Fact]
    public void Aliases_of_scalars_and_lists_as_values_are_accepted()
    {
        var root = YamlNode.Parse("a: &x [1, 2]\nb: *x\nc: &y 3\nd: *y\n", "alias.yaml");
        Assert.Equal(2, root.Get("b").Items().Count);
        Assert.Equal(3, root.GetInt("d"));
    }

    [Theory]
    [InlineData("a: [1, 2\n")]
    [InlineData("a: \"x\ny\n\tz")]
    [InlineData("a: b: c\n")]
    [InlineData("a:\n  - x\n:\n")]
    public void Every_parse_error_is_one_line(string text)
    {
        var e = Assert.Throws<ConfigException>(() => YamlNode.Parse(text, "bad\nname.yaml"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
    }

    [Fact]
    public void A_problem_with_line_breaks_is_printed_on_one_line()
    {
        var e = new ConfigException("f.yaml", 3, "a\nb", "first\r\nsecond\u2028third");
        Assert.Equal("f.yaml:3: field 'a b': first  second third", e.Message);
        Assert.Equal("first\r\nsecond\u2028third", e.Problem);
    }
}
