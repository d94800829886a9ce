// Module names, as Wren's CLI forms them: an import written "./x" or "../x" is relative to
// the importing module and normalized ("./a/../b" -> "./b"); any other name is logical and
// used as written. Names never hold absolute paths, so module bytes don't depend on where
// a project sits on disk.

export function isRelativeImport(name: string): boolean {
  return name.startsWith('./') || name.startsWith('../') || name === '.' || name === '..'
}

/** Normalizes "." and ".." components, keeping a leading "./" or "../" (Wren's pathNormalize). */
export function normalizeModuleName(path: string): string {
  const parts: string[] = []
  let leadingUps = 0
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue
    if (p === '..') {
      if (parts.length > 0) parts.pop()
      else leadingUps++
      continue
    }
    parts.push(p)
  }
  const prefix = leadingUps > 0 ? '../'.repeat(leadingUps) : path.startsWith('./') || path.startsWith('../') || path === '.' ? './' : ''
  return prefix + parts.join('/')
}

export function resolveImport(importer: string, name: string): string {
  if (!isRelativeImport(name)) return name
  const slash = importer.lastIndexOf('/')
  const dir = slash >= 0 ? importer.slice(0, slash) : ''
  return normalizeModuleName(dir === '' ? name : dir + '/' + name)
}

/** The module name of an entry file given as a path relative to the working directory:
 *  without its extension, and made explicitly relative ("main.nest" -> "./main"). */
export function entryModuleName(relativePath: string): string {
  let name = relativePath.replace(/\\/g, '/').replace(/\.(nest|wren)$/, '')
  if (!isRelativeImport(name) && !name.startsWith('/')) name = './' + name
  return name
}
