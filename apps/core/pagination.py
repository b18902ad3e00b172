from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from .bounds import InputSerializer, query_params


class PageQueryIn(InputSerializer):
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        # `page` and `page_size` are read like every other query parameter: a number past 64 bits
        # or a word is a 400 naming it (a page past the end stays a 404).
        self._query = query_params(request, PageQueryIn)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        wanted = self._query.get("page_size")
        return min(wanted, self.max_page_size) if wanted else self.page_size

    def get_page_number(self, request, paginator):
        return self._query.get("page") or 1
