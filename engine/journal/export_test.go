package journal

func (j *Journal) maintainSync()          { j.onWriter(j.maintain) }
func (j *Journal) maintainSyncFlushOnly() { j.onWriter(func() {}) }
func (j *Journal) sizeSync() (n int64, err error) {
	j.onWriter(func() { n, err = j.size() })
	return
}
