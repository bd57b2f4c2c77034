function Group-BtsObjectRecord {
    <#
    .SYNOPSIS
    Passes a core command's output on, but folds its per-object records (OrphanObject from verify, DeleteObject
    plan steps from prune: hundreds after an interruption) into one summary object: count and size, the objects in its
    Objects property and one -Verbose line each.
    #>
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline = $true)]
        [psobject]$InputObject,

        [Parameter(Mandatory = $true)]
        [string]$Store
    )

    begin {
        $orphans = New-Object -TypeName System.Collections.Generic.List[psobject]
        $deletions = New-Object -TypeName System.Collections.Generic.List[psobject]
    }

    process {
        if ($null -eq $InputObject) { return }
        $type = $InputObject.PSObject.TypeNames[0]
        if ($type -eq 'BizTalkBackup.OrphanObject') {
            Write-Verbose ('Orphan object {0} ({1} bytes)' -f $InputObject.Sha256, $InputObject.Size)
            $orphans.Add($InputObject)
            return
        }
        if ($type -eq 'BizTalkBackup.PlanStep' -and [string]$InputObject.Action -eq 'DeleteObject') {
            Write-Verbose ('Delete object {0} ({1})' -f $InputObject.Target, $InputObject.Detail)
            $deletions.Add($InputObject)
            return
        }
        $InputObject
    }

    end {
        if ($orphans.Count -gt 0) {
            $size = [long]0
            foreach ($orphan in $orphans) { $size += [long]$orphan.Size }
            [pscustomobject][ordered]@{
                PSTypeName = 'BizTalkBackup.OrphanSummary'
                Store      = $Store
                Count      = $orphans.Count
                Size       = $size
                Objects    = $orphans.ToArray()
                Hint       = 'Objects no set uses, left by an interrupted run: Remove-BtsAppBackup removes them.'
            }
        }
        if ($deletions.Count -gt 0) {
            $size = [long]0
            $orphanCount = 0
            foreach ($deletion in $deletions) {
                if ($deletion.PSObject.Properties['Size']) { $size += [long]$deletion.Size }
                if ([string]$deletion.Detail -eq 'orphan') { $orphanCount++ }
            }
            [pscustomobject][ordered]@{
                PSTypeName = 'BizTalkBackup.PlanStep'
                Action     = 'DeleteObjects'
                Target     = $Store
                Detail     = ('{0} object(s), {1:N1} MB ({2} orphan)' -f $deletions.Count, ($size / 1MB), $orphanCount)
                Count      = $deletions.Count
                Size       = $size
                Objects    = $deletions.ToArray()
            }
        }
    }
}
