namespace Obs.SymbolFiles.Tests;

public sealed class SymbolFileExceptionTests
{
    [Fact]
    public void Message_names_the_line_and_byte_offset()
    {
        var ex = new SymbolFileException("malformed FUNC record", 12, 345);

        Assert.Equal(12, ex.LineNumber);
        Assert.Equal(345, ex.ByteOffset);
        Assert.Equal("malformed FUNC record", ex.Reason);
        Assert.Contains("line 12", ex.Message, StringComparison.Ordinal);
        Assert.Contains("byte offset 345", ex.Message, StringComparison.Ordinal);
    }
}
