import { toast } from 'sonner'
import { type EventToast, type ToastLevel, toastAdapter } from '@herald/react'

/**
 * Every toast of the app goes to sonner: connection lost and restored, job ends and notices. The adapter
 * sends each to sonner's method of its level (`toast.warning`, `toast.success`, …) with its description.
 */
export const notify = toastAdapter(toast)

/**
 * A `notice` event the backend publishes on a job's channel, beside the job's own events:
 * `{ "title": "GPU pool is busy", "detail": "…", "level": "warning" }`.
 */
export interface Notice {
  title: string
  detail?: string
  level?: ToastLevel
}

const LEVELS: readonly string[] = ['info', 'success', 'warning', 'error'] satisfies readonly ToastLevel[]

// Event data comes from the network: check its shape before showing it.
function isNotice(data: unknown): data is Notice {
  if (typeof data !== 'object' || data === null) return false
  const { title, detail, level } = data as Record<string, unknown>
  return (
    typeof title === 'string' &&
    (detail === undefined || typeof detail === 'string') &&
    (level === undefined || (typeof level === 'string' && LEVELS.includes(level)))
  )
}

/** The toast for a job's notice (none for a malformed one). */
export function noticeToast(jobId: string, data: unknown): EventToast | null {
  if (!isNotice(data)) return null
  return {
    title: `Job ${jobId}: ${data.title}`,
    level: data.level ?? 'info',
    ...(data.detail === undefined ? {} : { description: data.detail }),
  }
}
