function ConvertTo-BtsArgumentString {
    <#
    .SYNOPSIS
    Joins arguments into one ProcessStartInfo.Arguments string that the child parses back into the same words.
    .DESCRIPTION
    Quotes as the Microsoft C runtime (and .NET on Linux and macOS) splits a command line: a word with a space, a tab
    or a quote, or an empty word, goes in double quotes; a quote is escaped with a backslash, and the backslashes
    before a quote or the closing quote are doubled. ProcessStartInfo.ArgumentList would do it, but Windows
    PowerShell 5.1 (.NET Framework) does not have it.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowEmptyString()]
        [string[]]$Argument
    )

    $words = foreach ($word in $Argument) {
        if ($word -ne '' -and $word -notmatch '[\s"]') {
            $word
            continue
        }
        $builder = New-Object -TypeName System.Text.StringBuilder
        [void]$builder.Append('"')
        $backslashes = 0
        foreach ($character in $word.ToCharArray()) {
            if ($character -eq '\') {
                $backslashes++
                continue
            }
            if ($character -eq '"') {
                [void]$builder.Append([char]'\', 2 * $backslashes + 1)
            }
            elseif ($backslashes -gt 0) {
                [void]$builder.Append([char]'\', $backslashes)
            }
            $backslashes = 0
            [void]$builder.Append($character)
        }
        if ($backslashes -gt 0) { [void]$builder.Append([char]'\', 2 * $backslashes) }
        [void]$builder.Append('"')
        $builder.ToString()
    }
    @($words) -join ' '
}
