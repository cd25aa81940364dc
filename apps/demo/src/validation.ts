// Request body validation: each error names the field, so a 400 says what to fix.

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string }

export const ROLES = ['admin', 'member'] as const
export type Role = (typeof ROLES)[number]

export interface UserInput {
  name?: string
  email?: string
  role?: Role
}

export interface PostInput {
  title?: string
  body?: string
}

/** A user to create: name and email are required. */
export type NewUser = UserInput & { name: string; email: string }

/** A post to create: title and body are required. */
export type NewPost = Required<PostInput>

/** Parses a JSON object body. */
export function jsonObject(text: string): Checked<Record<string, unknown>> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, error: 'The body must be a JSON object' }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { ok: true, value: value as Record<string, unknown> }
    : { ok: false, error: 'The body must be a JSON object' }
}

/** The body of `POST /users`: a JSON object with a name and an email, and maybe a role. */
export function newUser(body: string): Checked<NewUser> {
  // Not partial: userInput has checked that name and email are there.
  return fields(body, (object) => userInput(object, false)) as Checked<NewUser>
}

/** The body of `PATCH /users/:id`: any of name, email and role. */
export function userChange(body: string): Checked<UserInput> {
  return fields(body, (object) => userInput(object, true))
}

/** The body of `POST /users/:id/posts`: a JSON object with a title and a body. */
export function newPost(body: string): Checked<NewPost> {
  // Not partial: postInput has checked that title and body are there.
  return fields(body, (object) => postInput(object, false)) as Checked<NewPost>
}

/** The body of `PATCH /posts/:id`: a title, a body, or both. */
export function postChange(body: string): Checked<PostInput> {
  return fields(body, (object) => postInput(object, true))
}

function fields<T>(
  body: string,
  check: (object: Record<string, unknown>) => Checked<T>,
): Checked<T> {
  const object = jsonObject(body)
  return object.ok ? check(object.value) : object
}

/** A user to create (`partial` false: name and email required) or a change to one. */
export function userInput(body: Record<string, unknown>, partial: boolean): Checked<UserInput> {
  const value: UserInput = {}
  const name = text(body, 'name', 100, partial)
  if (!name.ok) return name
  if (name.value !== undefined) value.name = name.value
  const email = text(body, 'email', 200, partial)
  if (!email.ok) return email
  if (email.value !== undefined) {
    if (!/^[^\s@]+@[^\s@]+$/.test(email.value))
      return { ok: false, error: 'email must be an email address' }
    value.email = email.value
  }
  if (body.role !== undefined) {
    if (!ROLES.includes(body.role as Role))
      return { ok: false, error: 'role must be "admin" or "member"' }
    value.role = body.role as Role
  }
  return { ok: true, value }
}

/** A post to create (`partial` false: title and body required) or a change to one. */
export function postInput(body: Record<string, unknown>, partial: boolean): Checked<PostInput> {
  const value: PostInput = {}
  const title = text(body, 'title', 200, partial)
  if (!title.ok) return title
  if (title.value !== undefined) value.title = title.value
  const content = text(body, 'body', 10_000, partial)
  if (!content.ok) return content
  if (content.value !== undefined) value.body = content.value
  return { ok: true, value }
}

function text(
  body: Record<string, unknown>,
  field: string,
  max: number,
  optional: boolean,
): Checked<string | undefined> {
  const value = body[field]
  if (value === undefined && optional) return { ok: true, value: undefined }
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    return { ok: false, error: `${field} must be a non-empty string of at most ${max} characters` }
  }
  return { ok: true, value: value.trim() }
}

/** A positive integer id from a path segment; `undefined` for anything else (answered 404). */
export function idParam(text: string | undefined): number | undefined {
  return text !== undefined && /^[1-9]\d{0,8}$/.test(text) ? Number(text) : undefined
}
